import { type ErrorCode, parseJsonSafely, VneidError } from '@vneid/core';
import { UsageError } from './usage-error.js';

/** Where a running issuer service is and the ministry API key to use. */
export interface Remote {
  url: string;
  apiKey: string;
}

/**
 * POSTs JSON to the issuer service with the ministry's API key and returns
 * the JSON answer; an RFC 9457 problem becomes a VneidError with its code.
 */
export async function postJson(remote: Remote, path: string, body: unknown): Promise<Record<string, unknown>> {
  return requestJson(remote.url, remote.apiKey, 'POST', path, body);
}

/**
 * One JSON request to the service with a bearer credential (an API key, or
 * the admin token); an RFC 9457 problem becomes a VneidError with its code.
 */
export async function requestJson(
  base: string,
  bearer: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  const remote = { url: base };
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    throw new UsageError(`cannot reach ${remote.url}: ${(cause as Error).message}`);
  }
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = parseJsonSafely(text, { maxBytes: 4 * 1024 * 1024 }) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${remote.url} answered HTTP ${response.status} without JSON`);
  }
  if (!response.ok) {
    const code = typeof json.code === 'string' ? (json.code as ErrorCode) : 'INTERNAL_ERROR';
    const detail = typeof json.detail === 'string' ? json.detail : `HTTP ${response.status}`;
    const violations = Array.isArray(json.violations) ? { violations: json.violations } : undefined;
    throw new VneidError(code, detail, violations ? { details: violations } : {});
  }
  return json;
}

/** The remote settings from flags and environment, or undefined for the local store. */
export function remoteFrom(opts: { url?: string; apiKey?: string }, env: NodeJS.ProcessEnv): Remote | undefined {
  if (opts.url === undefined) return undefined;
  const apiKey = opts.apiKey ?? env.VNEID_ISSUER_API_KEY;
  if (!apiKey) throw new UsageError('--url needs --api-key or VNEID_ISSUER_API_KEY');
  if (!URL.canParse(opts.url)) throw new UsageError('--url must be an absolute URL');
  return { url: opts.url, apiKey };
}

/** The admin API's address and token from flags and environment (`--token` or VNEID_ADMIN_TOKEN). */
export function adminFrom(
  opts: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): { url: string; token: string } {
  if (opts.url === undefined) throw new UsageError('admin commands need --url <service>');
  if (!URL.canParse(opts.url)) throw new UsageError('--url must be an absolute URL');
  const token = opts.token ?? env.VNEID_ADMIN_TOKEN;
  if (!token) throw new UsageError('admin commands need --token or VNEID_ADMIN_TOKEN');
  return { url: opts.url, token };
}
