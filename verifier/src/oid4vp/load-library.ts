// The OpenID4VP library (with zod and its utils) adds about 20 MB to a
// process's resident memory, and a verifier that only checks credentials —
// the police device, the verification endpoint — never calls it: it loads on
// the first OpenID4VP call instead of with @vneid/verifier. Everything here
// that touches the library goes through this one door.
type Openid4vpModule = typeof import('@openid4vc/openid4vp');

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
let loading: Promise<Openid4vpModule> | undefined;

/**
 * `@openid4vc/openid4vp`, loaded once. When `url` is an http URL on the
 * loopback interface (tests, demos), switches on the library's process-wide
 * permission for http URLs, which it otherwise refuses.
 */
export async function loadOpenid4vp(url?: string): Promise<Openid4vpModule> {
  loading ??= import('@openid4vc/openid4vp');
  const library = await loading;
  if (url !== undefined && isLoopbackHttp(url)) {
    const { setGlobalConfig } = await import('@openid4vc/utils');
    setGlobalConfig({ allowInsecureUrls: true });
  }
  return library;
}

/** An `http:` URL on 127.0.0.1, localhost or ::1: the one place plain http is accepted. */
export function isLoopbackHttp(url: string | URL): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && LOOPBACK.includes(parsed.hostname);
}
