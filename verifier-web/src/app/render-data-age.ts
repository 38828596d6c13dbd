// How old the page's trust data is, and whether it is too old to say
// "valid": the bundle past its validUntil (or bundleMaxAgeSeconds), or a
// status list past its validUntil (or statusMaxAgeSeconds), or none held.
import { isBundleStale } from '@vneid/verifier/browser';
import type { PageConfig, TrustData } from './trust-data.js';

export interface DataAge {
  bundleVersion: number;
  bundleIssuedAt: string;
  bundleValidUntil: string;
  /** Oldest `validFrom` among the held status lists. */
  statusFrom?: string;
  stale: boolean;
  reasons: string[];
  refreshed: boolean;
  refreshError?: string;
}

export function dataAge(data: TrustData, config: PageConfig, now: Date): DataAge {
  const bundle = data.loaded.bundle;
  const reasons: string[] = [];
  if (data.loaded.status === 'stale' || isBundleStale(bundle, now.getTime(), config.bundleMaxAgeSeconds)) {
    reasons.push('BUNDLE_STALE');
  }
  // Lists named one by one must all be held. Lists named by prefix are
  // whatever the index announced: those held count; a credential whose list
  // is not held gets no "valid" from the verification itself (status unknown).
  const wanted = bundle.issuers.flatMap((i) => i.statusLists ?? []);
  const prefixes = bundle.issuers.flatMap((i) => (i.statusListPrefix ? [[i.id, i.statusListPrefix] as const] : []));
  const held = data.lists.filter(
    (l) => wanted.includes(l.url) || prefixes.some(([id, prefix]) => l.issuer === id && l.url.startsWith(prefix)),
  );
  if (wanted.some((url) => !held.some((l) => l.url === url))) reasons.push('STATUS_LIST_MISSING');
  for (const list of held) {
    const until = list.validUntil ? Date.parse(list.validUntil) : Number.POSITIVE_INFINITY;
    const tooOld =
      config.statusMaxAgeSeconds !== undefined &&
      now.getTime() - Date.parse(list.validFrom) > config.statusMaxAgeSeconds * 1000;
    if (now.getTime() >= until || tooOld) {
      reasons.push('STATUS_LIST_STALE');
      break;
    }
  }
  const froms = held.map((l) => l.validFrom).sort();
  return {
    bundleVersion: bundle.version,
    bundleIssuedAt: bundle.issuedAt,
    bundleValidUntil: bundle.validUntil,
    ...(froms[0] ? { statusFrom: froms[0] } : {}),
    stale: reasons.length > 0,
    reasons,
    refreshed: data.refreshed,
    ...(data.refreshError ? { refreshError: data.refreshError } : {}),
  };
}

function ago(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function renderDataAge(root: HTMLElement, age: DataAge): void {
  const now = Date.now();
  root.dataset.stale = String(age.stale);
  root.replaceChildren();
  const line = (vi: string, en: string, value: string, id: string) => {
    const p = document.createElement('p');
    p.id = id;
    p.textContent = `${vi} / ${en}: ${value}`;
    root.append(p);
  };
  line(
    'Gói tin cậy',
    'Trust bundle',
    `v${age.bundleVersion}, ${ago(age.bundleIssuedAt, now)} (→ ${age.bundleValidUntil})`,
    'bundle-age',
  );
  line('Danh sách trạng thái', 'Status lists', ago(age.statusFrom, now), 'status-age');
  line(
    'Cập nhật',
    'Update',
    age.refreshed ? 'trực tuyến / online' : `ngoại tuyến / offline${age.refreshError ? ` (${age.refreshError})` : ''}`,
    'refresh-state',
  );
  if (age.stale) {
    const warn = document.createElement('p');
    warn.className = 'stale';
    warn.id = 'stale-warning';
    warn.textContent = `Dữ liệu đã cũ — không thể xác nhận hợp lệ / Data is stale — cannot confirm validity (${age.reasons.join(', ')})`;
    root.append(warn);
  }
}
