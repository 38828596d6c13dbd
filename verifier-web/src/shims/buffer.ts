// The Buffer global that @vneid/core uses, for the browser: the `buffer`
// package plus the 'base64url' encoding (which buffer@6 lacks). esbuild's
// `inject` rewrites every free `Buffer` in the bundle to this export.
import { Buffer } from 'buffer';

const from = Buffer.from.bind(Buffer) as (...args: unknown[]) => Buffer;
const toStr = Buffer.prototype.toString;

Buffer.from = ((value: unknown, encoding?: unknown, length?: unknown) => {
  if (typeof value === 'string' && encoding === 'base64url') {
    return from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  return length === undefined ? from(value, encoding) : from(value, encoding, length);
}) as typeof Buffer.from;

Buffer.prototype.toString = function toStringWithBase64url(
  this: Buffer,
  encoding?: string,
  start?: number,
  end?: number,
) {
  if (encoding === 'base64url') {
    return toStr.call(this, 'base64', start, end).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  return toStr.call(this, encoding as BufferEncoding, start, end);
};

export { Buffer };
