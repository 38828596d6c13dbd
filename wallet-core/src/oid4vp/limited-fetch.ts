import { VneidError } from '@vneid/core';

/** Limits of the wallet's OpenID4VP fetches. */
export const OID4VP_FETCH_LIMITS = {
  maxBytes: 64 * 1024,
  timeoutMs: 10_000,
  /** The verifier checks the presentation before it answers a direct_post: give it longer. */
  responseTimeoutMs: 30_000,
} as const;

/**
 * A `fetch` for the OpenID4VP library that reaches only `allowed` (method
 * and exact URL), follows no redirect, gives up after a timeout and reads at
 * most `maxBytes` of the answer: a verifier's endpoints are hostile input.
 */
export function limitedFetch(
  allowed: { url: string; method: 'GET' | 'POST' },
  /** Receives our error: the library wraps whatever its fetch throws into its own. */
  failures: { failure?: VneidError },
): typeof fetch {
  const fail = (error: VneidError): never => {
    failures.failure ??= error;
    throw error;
  };
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (url !== allowed.url || method !== allowed.method) {
      fail(new VneidError('AUTHORIZATION_REQUEST_INVALID', 'the wallet contacts only the request’s own endpoint'));
    }
    const response = await fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(
        method === 'POST' ? OID4VP_FETCH_LIMITS.responseTimeoutMs : OID4VP_FETCH_LIMITS.timeoutMs,
      ),
    });
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > OID4VP_FETCH_LIMITS.maxBytes) {
      await response.body?.cancel();
      fail(new VneidError('INPUT_LIMIT_EXCEEDED', 'the verifier’s answer is too large'));
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > OID4VP_FETCH_LIMITS.maxBytes) {
          fail(new VneidError('INPUT_LIMIT_EXCEEDED', 'the verifier’s answer is too large'));
        }
        chunks.push(chunk);
      }
    }
    const body = Buffer.concat(chunks);
    if (!response.ok && allowed.method === 'GET') {
      // The verifier says why it does not serve the request (expired, used, unknown): keep its stable code.
      let code: unknown;
      try {
        code = (JSON.parse(body.toString('utf8')) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      const known = ['AUTHORIZATION_REQUEST_EXPIRED', 'AUTHORIZATION_REQUEST_USED', 'AUTHORIZATION_REQUEST_UNKNOWN'];
      if (typeof code === 'string' && known.includes(code)) {
        failures.failure ??= new VneidError(code as 'AUTHORIZATION_REQUEST_EXPIRED', `the verifier answered ${code}`);
      }
    }
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
