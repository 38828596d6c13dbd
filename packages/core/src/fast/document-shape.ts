// The shape of a JSON-LD document: everything that can change how jsonld
// expands it (keys, nesting, array lengths, contexts, types, numbers,
// booleans, the scheme of IRI-like strings) with the remaining strings cut
// out as numbered slots. Two documents of one shape differ only in slot
// values, and a slot value never changes which IRIs and datatypes the other
// values expand to — that is what lets a compiled template stand in for
// jsonld (see compile-template.ts for the proof obligations).

import { randomBytes } from 'node:crypto';

// jsonld's absolute-IRI test: a value that fails it is treated as relative,
// so it must not be templated as an IRI.
import { ABSOLUTE_IRI } from './library-internals.js';

export { ABSOLUTE_IRI };

const SCHEME = /^[A-Za-z][A-Za-z0-9+-.]*:/;

export interface Slot {
  /** The string in the document. */
  value: string;
  /**
   * For IRI-like strings the part kept in the template (scheme, colon, and
   * `//` when present — jsonld treats `x://…` differently from `x:…`).
   * Empty for plain strings.
   */
  prefix: string;
  iri: boolean;
}

export interface DocumentShape {
  /** The structural key: equal keys ⇒ same keys, nesting, contexts, types, literals other than slots. */
  key: string;
  slots: Slot[];
  /**
   * Some string of the document (a value, a key, a context) contains this
   * process's placeholder nonce: it could pose as a placeholder, so the
   * document must take the library path.
   */
  tainted: boolean;
}

/**
 * Walks a document in a fixed order. Contexts, types, keyword values and
 * blank node ids go into the key as they are; other strings become slots.
 */
export function describeShape(document: unknown): DocumentShape {
  const slots: Slot[] = [];
  const parts: string[] = [];
  walk(document, false, parts, slots);
  const key = parts.join('');
  // Every string of the document is in the key or a slot, each whole.
  let tainted = key.includes(NONCE);
  for (let i = 0; !tainted && i < slots.length; i++) tainted = slots[i]!.value.includes(NONCE);
  return { key, slots, tainted };
}

function walk(value: unknown, verbatim: boolean, parts: string[], slots: Slot[]): void {
  if (typeof value === 'string') {
    if (verbatim || value.startsWith('_:') || value.startsWith('@')) {
      parts.push('v', lengthPrefixed(value));
      return;
    }
    // IRI-like only when jsonld would take it as absolute; anything else
    // (`Note: two words`) is a plain string, relative wherever an IRI is due.
    const scheme = SCHEME.exec(value);
    if (scheme && ABSOLUTE_IRI.test(value)) {
      const rest = value.slice(scheme[0].length);
      const prefix = rest.startsWith('//') ? `${scheme[0]}//` : scheme[0];
      parts.push('i', lengthPrefixed(prefix));
      slots.push({ value, prefix, iri: true });
      return;
    }
    parts.push('s');
    slots.push({ value, prefix: '', iri: false });
    return;
  }
  if (value === null || typeof value !== 'object') {
    parts.push(JSON.stringify(value) ?? 'u');
    return;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (const item of value) {
      walk(item, verbatim, parts, slots);
      parts.push(',');
    }
    parts.push(']');
    return;
  }
  parts.push('{');
  for (const [key, item] of Object.entries(value)) {
    parts.push(lengthPrefixed(key));
    if (key === '@context') {
      // Contexts decide every expansion: part of the key as they are.
      parts.push(JSON.stringify(item) ?? 'u');
    } else {
      walk(item, verbatim || keepsValues(key), parts, slots);
    }
    parts.push(',');
  }
  parts.push('}');
}

const SLOT_KEYWORDS = new Set(['@id', '@value', '@graph', '@list', '@set']);

// Types select type-scoped contexts; other keyword values (@language,
// @direction, the @type of a value object, …) land outside literal values.
function keepsValues(key: string): boolean {
  return key === 'type' || (key.startsWith('@') && !SLOT_KEYWORDS.has(key));
}

// Unambiguous and cheaper than JSON.stringify on the hot path.
function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`;
}

/**
 * The document with every slot not in `verbatim` replaced by its
 * placeholder (`prefix + token(i)`), walking in the order of {@link describeShape}.
 */
export function withPlaceholders(document: unknown, shape: DocumentShape, verbatim: ReadonlySet<number>): unknown {
  let index = 0;
  const replace = (value: unknown, keep: boolean): unknown => {
    if (typeof value === 'string') {
      if (keep || value.startsWith('_:') || value.startsWith('@')) return value;
      const i = index++;
      const slot = shape.slots[i]!;
      if (slot.value !== value) throw new Error('document changed while it was being templated');
      return verbatim.has(i) ? slot.value : slot.prefix + slotToken(i);
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => replace(item, keep));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '@context') out[key] = item;
      else {
        out[key] = replace(item, keep || keepsValues(key));
      }
    }
    return out;
  };
  return replace(document, false);
}

// Per process and random: a fixed token is known to every attacker, who can
// then write a value that poses as another slot's placeholder (a `@vocab`
// term expanding to `vocab#token` was filled with the other slot's value).
// Documents containing the nonce anywhere take the library path (`tainted`).
const NONCE = `xvn${randomBytes(12).toString('hex')}`;

/** The placeholder token of slot `i`: letters and digits only, so it is a valid IRI segment and never in a context. */
export function slotToken(i: number): string {
  return `${NONCE}s${i}x`;
}

export const SLOT_TOKEN = new RegExp(`${NONCE}s(\\d+)x`, 'g');
