/**
 * Whether a URL may be fetched by the one online step (status list sync):
 * https, or plain http on the loopback interface only (development and
 * tests); no user info, no fragment, bounded length.
 *
 * @example
 * isFetchableUrl('https://bocongan.gov.vn/status-lists/1') // true
 * isFetchableUrl('http://bocongan.gov.vn/status-lists/1') // false
 */
export function isFetchableUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
