// One screen per result: the verdict, every check with its reason in
// Vietnamese and English, the disclosed fields with their labels and the
// face image. Everything from the presentation is set as text (or as an
// <img> src only when it is a data: URL of a PNG/JPEG), never as HTML.
import { isRegisteredType, labelFor, valueLabelFor } from '@vneid/schemas';
import type { VerificationReport } from '@vneid/verifier/browser';

export type Verdict = 'valid' | 'invalid' | 'unknown';

const HEADLINES: Record<Verdict, { vi: string; en: string }> = {
  valid: { vi: 'HỢP LỆ', en: 'VALID' },
  invalid: { vi: 'KHÔNG HỢP LỆ', en: 'NOT VALID' },
  unknown: { vi: 'KHÔNG THỂ XÁC NHẬN', en: 'CANNOT CONFIRM' },
};
const RESULT_TEXT: Record<string, string> = {
  valid: '✓',
  invalid: '✗',
  unknown: '?',
  skipped: '–',
};
const FACE_IMAGE = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$/;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function bilingual(vi: string, en: string): HTMLElement {
  return el('span', { class: 'bi' }, el('span', { lang: 'vi' }, vi), el('span', { lang: 'en', class: 'en' }, en));
}

/** A type's name in both languages from the schemas registry; an unregistered type shows as itself. */
function typeLabel(type: string): { vi: string; en: string } {
  if (!isRegisteredType(type)) return { vi: type, en: type };
  return { vi: labelFor(type, '', 'vi') ?? type, en: labelFor(type, '', 'en') ?? type };
}

/**
 * A claim's value as nodes: an enumerated value with its label from the
 * registry, a nested object or array as a labelled table (pointers without
 * indices, as the registry keys its labels). Always text, never HTML.
 */
function valueNodes(type: string, pointer: string, value: unknown, depth = 0): Array<Node | string> {
  const registered = isRegisteredType(type);
  if (typeof value === 'string') {
    const vi = registered ? valueLabelFor(type, pointer, value, 'vi') : undefined;
    const en = registered ? valueLabelFor(type, pointer, value, 'en') : undefined;
    return vi && en ? [value, el('span', { class: 'value-label' }, ` (${vi} / ${en})`)] : [value];
  }
  if (value === null || typeof value !== 'object' || depth > 4) return [JSON.stringify(value) ?? ''];
  if (Array.isArray(value)) {
    const list = el('ol', { class: 'values' });
    for (const [i, item] of value.entries()) {
      list.append(el('li', {}, ...valueNodes(type, `${pointer}/${i}`, item, depth + 1)));
    }
    return [list];
  }
  const table = el('table', { class: 'nested' });
  for (const key of Object.keys(value)) {
    const sub = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const vi = registered ? labelFor(type, sub, 'vi') : undefined;
    const en = registered ? labelFor(type, sub, 'en') : undefined;
    table.append(
      el(
        'tr',
        { 'data-field': key },
        el('th', {}, bilingual(vi ?? key, en ?? key)),
        el('td', {}, ...valueNodes(type, sub, (value as Record<string, unknown>)[key], depth + 1)),
      ),
    );
  }
  return [table];
}

/** The verdict a report gives, made `unknown` when the page holds stale data. */
export function verdictOf(report: VerificationReport, dataStale: boolean): Verdict {
  if (report.status === 'verified') return dataStale ? 'unknown' : 'valid';
  return report.status === 'unknown' ? 'unknown' : 'invalid';
}

/** Fills `root` with the result screen of one verification. */
export function renderReport(root: HTMLElement, report: VerificationReport, verdict: Verdict, ms: number): void {
  const head = HEADLINES[verdict];
  root.replaceChildren();
  root.dataset.verdict = verdict;
  root.append(
    el('h2', { id: 'verdict', class: `verdict ${verdict}`, 'data-verdict': verdict }, bilingual(head.vi, head.en)),
  );
  const codes = [...report.errors, ...report.warnings].map((e) => e.code);
  if (codes.length > 0) root.append(el('p', { id: 'codes', class: 'codes' }, [...new Set(codes)].join(' · ')));

  for (const credential of report.credentials) {
    const section = el('section', { class: 'credential' });
    const name = typeLabel(credential.type);
    section.append(
      el('h3', { class: 'type', 'data-type': credential.type }, bilingual(name.vi, name.en)),
      el('p', { class: 'issuer' }, bilingual(credential.issuer.name.vi, credential.issuer.name.en)),
    );
    const face = credential.claims.find((c) => c.field === 'faceImage');
    if (face && typeof face.value === 'string' && FACE_IMAGE.test(face.value)) {
      section.append(el('img', { class: 'face', id: 'face', alt: 'Ảnh khuôn mặt / Face image', src: face.value }));
    }
    const table = el('table', { class: 'claims' });
    for (const claim of credential.claims) {
      if (claim === face) continue;
      table.append(
        el(
          'tr',
          { 'data-field': claim.field },
          el('th', {}, bilingual(claim.label.vi, claim.label.en)),
          el('td', {}, ...valueNodes(credential.type, claim.pointer, claim.value)),
        ),
      );
    }
    section.append(table);
    root.append(section);
  }

  const list = el('ul', { class: 'checks', id: 'checks' });
  for (const check of report.checks) {
    list.append(
      el(
        'li',
        { class: check.result, 'data-check': `${check.target}:${check.check}`, 'data-result': check.result },
        el('span', { class: 'mark' }, RESULT_TEXT[check.result] ?? '?'),
        el('span', { class: 'name' }, `${check.target} · ${check.check}${check.code ? ` · ${check.code}` : ''}`),
        bilingual(check.message.vi, check.message.en),
      ),
    );
  }
  root.append(
    el('details', { open: '' }, el('summary', {}, bilingual('Các bước kiểm tra', 'Checks')), list),
    el('p', { class: 'timing' }, `${ms.toFixed(0)} ms`),
  );
}

/** The result screen for input that is not a presentation at all. */
export function renderRefused(root: HTMLElement, code: string, message: string): void {
  root.replaceChildren();
  root.dataset.verdict = 'invalid';
  const head = HEADLINES.invalid;
  root.append(
    el('h2', { id: 'verdict', class: 'verdict invalid', 'data-verdict': 'invalid' }, bilingual(head.vi, head.en)),
    el('p', { id: 'codes', class: 'codes' }, code),
    el('p', {}, bilingual('Không đọc được bản trình bày.', 'The presentation could not be read.'), ` ${message}`),
  );
}
