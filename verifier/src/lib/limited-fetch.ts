import { InputLimitError, StatusRetrievalError } from '@vneid/core';
import { isAllowedUrl } from './bundle-shape.js';

/** The subset of `fetch` the status sync uses; inject your own (tests, proxies). */
export type FetchLike = (
  url: string,
  init: { redirect: 'manual'; signal: AbortSignal; headers?: Record<string, string> },
) => Promise<Response>;

/** What a conditional GET gave: the body and its entity tag, or "not modified". */
export type FetchOutcome = { status: 200; text: string; etag?: string } | { status: 304 };

// A strong entity tag as our issuer sends it; anything else is not kept.
const STRONG_ETAG = /^"[\x21\x23-\x7e]{1,128}"$/;

const MAX_REDIRECTS = 3;

/**
 * GETs `url` as text with a deadline, a byte cap enforced while reading
 * (after content decoding: a gzip bomb stops at the cap), and redirects
 * followed only within the same origin (a status list host must not be able
 * to send us to another host). With `ifNoneMatch`, a 304 answer is returned
 * as such and nothing is read.
 *
 * @throws {StatusRetrievalError} STATUS_RETRIEVAL_ERROR (network, timeout, HTTP status, redirect).
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED when the body is larger than `maxBytes`.
 */
export async function fetchLimited(
  url: string,
  options: { fetch: FetchLike; timeoutMs: number; maxBytes: number; ifNoneMatch?: string },
): Promise<FetchOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await options.fetch(current, {
        redirect: 'manual',
        signal,
        ...(options.ifNoneMatch ? { headers: { 'if-none-match': options.ifNoneMatch } } : {}),
      });
    } catch (cause) {
      throw new StatusRetrievalError(`cannot fetch ${current.slice(0, 200)}`, { cause, details: { url: current } });
    }
    if (response.status === 304 && options.ifNoneMatch) {
      await response.body?.cancel().catch(() => {});
      return { status: 304 };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      const next = location ? safeUrl(location, current) : undefined;
      if (!next || new URL(next).origin !== origin || !isAllowedUrl(next) || hop >= MAX_REDIRECTS) {
        throw new StatusRetrievalError(`refused redirect from ${current.slice(0, 200)}`, { details: { url } });
      }
      current = next;
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new StatusRetrievalError(`HTTP ${response.status} from ${current.slice(0, 200)}`, {
        details: { url, status: response.status },
      });
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > options.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new InputLimitError(`status list larger than ${options.maxBytes} bytes`, { details: { url } });
    }
    const text = await readCapped(response, options.maxBytes, url);
    const etag = response.headers.get('etag') ?? '';
    return STRONG_ETAG.test(etag) ? { status: 200, text, etag } : { status: 200, text };
  }
}

function safeUrl(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new InputLimitError(`status list larger than ${maxBytes} bytes`, { details: { url } });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof InputLimitError) throw error;
    throw new StatusRetrievalError(`reading ${url.slice(0, 200)} failed`, { cause: error, details: { url } });
  }
  return Buffer.concat(chunks).toString('utf8');
}
