// ecdsa-sd-2023 groups statements by JSON pointers evaluated on the
// document *compacted again* after skolemization (di-sd-primitives
// skolemize.js), then re-expands the selection. A plan learned on one
// document carries over to another of the same template only where that
// round trip cannot depend on the values: jsonld's compactIri looks values
// up as terms (and then may pick another term, so another key), turns them
// into vocabulary-relative names or compact IRIs (which `//` after the
// colon would not expand back), or throws "IRI confused with prefix".
// All of that needs an IRI from the contexts to be a prefix of the value,
// or the value's scheme to be a term. This module collects those IRIs and
// terms — a superset, read from the context documents as they are — so a
// value that touches none of them compacts to itself.
import type { DocumentLoader } from '../../document-loader.js';
import type { DocumentShape } from '../document-shape.js';
import { walkContexts } from '../walk-contexts.js';

export interface ContextIris {
  /** Every IRI a term, prefix or `@vocab` of the contexts can stand for (compact ones expanded by every prefix). */
  iris: string[];
  /** IRIs bucketed by their first {@link BUCKET} characters; shorter ones in `short`. */
  byStart: Map<string, string[]>;
  short: string[];
  /** Every term name. */
  terms: Set<string>;
  /** The term names that contain a colon. */
  colonTerms: string[];
}

const BUCKET = 8;
const MAX_ENTRIES = 256;
const caches = new WeakMap<DocumentLoader, Map<string, Promise<ContextIris | undefined>>>();

/** The {@link ContextIris} of a document's `@context`, once per context value and loader; `undefined` when a context cannot be read here. */
export function contextIris(context: unknown, documentLoader: DocumentLoader): Promise<ContextIris | undefined> {
  let cache = caches.get(documentLoader);
  if (!cache) {
    cache = new Map();
    caches.set(documentLoader, cache);
  }
  const key = JSON.stringify(context) ?? '';
  let found = cache.get(key);
  if (!found) {
    found = collect(context, documentLoader);
    cache.set(key, found);
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  return found;
}

async function collect(context: unknown, documentLoader: DocumentLoader): Promise<ContextIris | undefined> {
  const raw = new Set<string>();
  const terms = new Set<string>();
  const prefixes = new Map<string, Set<string>>();
  const addPrefix = (term: string, iri: string) => {
    const set = prefixes.get(term) ?? new Set<string>();
    set.add(iri);
    prefixes.set(term, set);
  };
  const complete = await walkContexts(context, documentLoader, async (object, visit) => {
    for (const [key, definition] of Object.entries(object)) {
      if (key === '@import' || key === '@base') return false;
      if (key === '@vocab') {
        if (typeof definition === 'string') {
          raw.add(definition);
        }
        continue;
      }
      if (key.startsWith('@')) continue;
      terms.add(key);
      // A term that is itself an IRI or compact IRI stands for it.
      if (key.includes(':')) raw.add(key);
      if (typeof definition === 'string') {
        raw.add(definition);
        addPrefix(key, definition);
      } else if (definition && typeof definition === 'object') {
        const d = definition as Record<string, unknown>;
        for (const k of ['@id', '@reverse']) {
          if (typeof d[k] === 'string') {
            raw.add(d[k] as string);
            addPrefix(key, d[k] as string);
          }
        }
        if (d['@context'] !== undefined && !(await visit(d['@context']))) return false;
      }
    }
    return true;
  });
  if (!complete) return undefined;
  const iris = new Set<string>();
  // A vocabulary-relative IRI starts with its @vocab, which is in `raw`.
  for (const iri of raw) {
    if (iri.startsWith('@')) continue;
    iris.add(iri);
    const colon = iri.indexOf(':');
    if (colon > 0) {
      for (const prefix of prefixes.get(iri.slice(0, colon)) ?? []) iris.add(prefix + iri.slice(colon + 1));
    }
  }
  const colonTerms = [...terms].filter((term) => term.includes(':'));
  const out: ContextIris = { iris: [...iris], byStart: new Map(), short: [], terms, colonTerms };
  for (const iri of out.iris) {
    if (iri.length < BUCKET) out.short.push(iri);
    else {
      const start = iri.slice(0, BUCKET);
      const bucket = out.byStart.get(start);
      if (bucket) bucket.push(iri);
      else out.byStart.set(start, [iri]);
    }
  }
  return out;
}

/**
 * Whether every IRI-like value of the document compacts to itself: no IRI
 * of the contexts is a prefix of it (or equal), and its scheme is no term.
 */
export function iriValuesCompactToThemselves(shape: DocumentShape, context: ContextIris): boolean {
  for (const slot of shape.slots) {
    if (!slot.iri) continue;
    const value = slot.value;
    const colon = value.indexOf(':');
    if (colon > 0 && context.terms.has(value.slice(0, colon))) return false;
    for (const term of context.colonTerms) if (value.startsWith(`${term}:`)) return false;
    for (const iri of context.short) if (value.startsWith(iri)) return false;
    const bucket = context.byStart.get(value.slice(0, BUCKET));
    if (bucket) for (const iri of bucket) if (value.startsWith(iri)) return false;
  }
  return true;
}
