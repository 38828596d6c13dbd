import { InputLimitError, UnsafeJsonError } from './errors.js';

/** Bounds applied to untrusted JSON before any JSON-LD processing. */
export interface JsonLimits {
  /** Serialized size in bytes (UTF-8). */
  maxBytes: number;
  /** Nesting depth of objects and arrays. */
  maxDepth: number;
  /** Length of any single array (jsonld's RDF conversion is quadratic in it). */
  maxArrayLength: number;
  /** Number of object keys over the whole value: bounds claim count and canonicalization work. */
  maxKeys: number;
  /** Length of any single string. */
  maxStringLength: number;
}

/**
 * Default limits for one credential or presentation. Generous for the four
 * citizen documents (a face thumbnail is the largest value) and small enough
 * that canonicalization stays far below a second of CPU.
 */
export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxBytes: 256 * 1024,
  maxDepth: 16,
  maxArrayLength: 64,
  maxKeys: 1024,
  maxStringLength: 64 * 1024,
});

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks an untrusted JSON value and throws on prototype-polluting keys or on
 * any limit being exceeded. JSON-LD ignores `__proto__`, so a signed document
 * can carry one that later surfaces through `Object.assign`; we refuse it.
 *
 * @throws {UnsafeJsonError} UNSAFE_JSON for `__proto__`, `constructor`, `prototype` keys or non-JSON values.
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED when a limit is exceeded.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export function assertSafeJson(value: unknown, limits: Partial<JsonLimits> = {}): void {
  const l = { ...DEFAULT_JSON_LIMITS, ...limits };
  let keys = 0;
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new UnsafeJsonError(`non-finite number at ${path || '/'}`, { details: { pointer: path } });
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > l.maxStringLength) {
        throw new InputLimitError(`string longer than ${l.maxStringLength} at ${path || '/'}`, {
          details: { pointer: path, limit: 'maxStringLength' },
        });
      }
      // Signatures cover UTF-8, where every lone surrogate becomes U+FFFD:
      // "\ud800" and "\udfff" would carry the same signature.
      if (LONE_SURROGATE.test(v)) {
        throw new UnsafeJsonError(`string with a lone surrogate at ${path || '/'}`, { details: { pointer: path } });
      }
      continue;
    }
    if (typeof v !== 'object') {
      throw new UnsafeJsonError(`value of type ${typeof v} is not JSON at ${path || '/'}`, {
        details: { pointer: path },
      });
    }
    if (depth >= l.maxDepth) {
      throw new InputLimitError(`nesting deeper than ${l.maxDepth} at ${path || '/'}`, {
        details: { pointer: path, limit: 'maxDepth' },
      });
    }
    if (Array.isArray(v)) {
      if (v.length > l.maxArrayLength) {
        throw new InputLimitError(`array longer than ${l.maxArrayLength} at ${path || '/'}`, {
          details: { pointer: path, limit: 'maxArrayLength' },
        });
      }
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}/${i}` });
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new UnsafeJsonError(`non-plain object at ${path || '/'}`, { details: { pointer: path } });
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new UnsafeJsonError(`forbidden key "${key}" at ${path || '/'}`, { details: { pointer: path, key } });
      }
      keys += 1;
      if (keys > l.maxKeys) {
        throw new InputLimitError(`more than ${l.maxKeys} keys`, { details: { limit: 'maxKeys' } });
      }
      stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1, path: `${path}/${escapePointer(key)}` });
    }
  }
}

/**
 * Parses untrusted JSON text with the byte limit checked before parsing and
 * every other limit (and prototype keys) checked after.
 *
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED
 * @throws {MalformedValueError} via UnsafeJsonError UNSAFE_JSON for text that is not JSON.
 */
export function parseJsonSafely(text: string, limits: Partial<JsonLimits> = {}): unknown {
  const l = { ...DEFAULT_JSON_LIMITS, ...limits };
  if (Buffer.byteLength(text, 'utf8') > l.maxBytes) {
    throw new InputLimitError(`JSON larger than ${l.maxBytes} bytes`, { details: { limit: 'maxBytes' } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new UnsafeJsonError('text is not valid JSON', { cause });
  }
  assertSafeJson(value, l);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new UnsafeJsonError(`duplicate key "${duplicate.slice(0, 64)}"`, {
      details: { key: duplicate.slice(0, 64) },
    });
  }
  return value;
}

/**
 * The first key that appears twice in one object of (already valid) JSON
 * text. JSON.parse silently keeps the last one; another parser on the path
 * may keep the first, so what is signed and what is shown could differ.
 */
export function findDuplicateKey(text: string): string | undefined {
  const stack: Array<Set<string> | null> = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (top && text[k] === ':') {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
      i = j + 1;
      continue;
    }
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    i++;
  }
  return undefined;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
