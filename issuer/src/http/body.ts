import { InputLimitError, MalformedValueError, parseJsonSafely, VneidError } from '@vneid/core';
import type { NextFunction, Request, Response } from 'express';

/** Default request body cap: one credential request with a face thumbnail fits well inside. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * Reads and parses a JSON body ourselves instead of express.json(): the size
 * is capped while reading, the text must be UTF-8, and parseJsonSafely
 * refuses prototype keys and deep or wide structures before any handler
 * sees an object.
 */
export function jsonBody(limit: number = DEFAULT_BODY_LIMIT) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!req.is(['application/json', 'application/ld+json'])) {
      throw new VneidError('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
    }
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > limit) {
      _res.setHeader('Connection', 'close');
      throw new InputLimitError(`body larger than ${limit} bytes`, { details: { limit: 'maxBytes' } });
    }
    const body = await readCapped(req, limit);
    if (body === undefined) {
      _res.setHeader('Connection', 'close');
      throw new InputLimitError(`body larger than ${limit} bytes`, { details: { limit: 'maxBytes' } });
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (cause) {
      throw new MalformedValueError('the body is not UTF-8', { cause });
    }
    try {
      req.body = parseJsonSafely(text, { maxBytes: limit });
    } catch (error) {
      if (error instanceof VneidError && error.code === 'UNSAFE_JSON' && error.cause instanceof SyntaxError) {
        throw new MalformedValueError('the body is not valid JSON');
      }
      throw error;
    }
    next();
  };
}

// Stops listening (without destroying the socket, so the 413 can still be
// sent) as soon as the cap is passed; undefined means "too large".
export function readCapped(req: Request, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new MalformedValueError('the request body could not be read', { cause: error }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
