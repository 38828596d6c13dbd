import { InputLimitError, StatusRetrievalError } from '@vneid/core';
import { isAllowedUrl } from './bundle-shape.js';

/** The subset of `fetch` the status sync uses; inject your own (tests, proxies). */
export type FetchLike = (url: string, init: { redirect: 'manual'; signal: AbortSignal }) => Promise<Response>;

const MAX_REDIRECTS = 3;

/**
 * GETs `url` as text with a deadline, a byte cap enforced while reading, and
 * redirects followed only within the same origin (a status list host must
 * not be able to send us to another host).
 *
 * @throws {StatusRetrievalError} STATUS_RETRIEVAL_ERROR (network, timeout, HTTP status, redirect).
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED when the body is larger than `maxBytes`.
 */
export async function fetchLimited(
  url: string,
  options: { fetch: FetchLike; timeoutMs: number; maxBytes: number },
): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await options.fetch(current, { redirect: 'manual', signal });
    } catch (cause) {
      throw new StatusRetrievalError(`cannot fetch ${current.slice(0, 200)}`, { cause, details: { url: current } });
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
    return readCapped(response, options.maxBytes, url);
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
