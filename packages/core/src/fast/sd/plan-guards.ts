import { parsePointer } from '@digitalbazaar/di-sd-primitives';
import type { DocumentLoader } from '../../document-loader.js';
import type { CompiledNQuads } from '../compiled-nquads.js';
import type { Templated } from './canonical.js';
import { type ContextIris, contextIris, iriValuesCompactToThemselves } from './compaction-guard.js';
import { fixedTextContains } from './labelled-canonical.js';

// di-sd-primitives rewrites `_:x` and `<urn:bnid:x>` anywhere in a line,
// literals included; only documents without either can be grouped the way
// the library groups them without running it.
const LOOKALIKES = ['_:', 'urn:bnid:'];
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a plan learned on another document of the same template applies
 * to this one: no blank-node look-alike in any value or fixed text, one
 * `@context` (at the top), and IRI values that jsonld's compaction leaves as
 * they are (see compaction-guard.ts).
 */
export async function planApplies(
  document: Record<string, unknown>,
  t: Templated,
  documentLoader: DocumentLoader,
): Promise<boolean> {
  const { shape } = t;
  for (const slot of shape.slots) {
    for (const text of LOOKALIKES) if (slot.value.includes(text)) return false;
  }
  const iris = await templateFacts(document, t, documentLoader);
  return iris !== undefined && iriValuesCompactToThemselves(shape, iris);
}

// One template is one shape key (contexts included) under one loader: what
// depends only on those is worked out once per template.
const factsOf = new WeakMap<CompiledNQuads, Promise<ContextIris | undefined>>();

function templateFacts(
  document: Record<string, unknown>,
  t: Templated,
  documentLoader: DocumentLoader,
): Promise<ContextIris | undefined> {
  let facts = factsOf.get(t.compiled);
  if (!facts) {
    facts = (async () => {
      const { shape, compiled } = t;
      if (LOOKALIKES.some((text) => shape.key.includes(text) || fixedTextContains(compiled, text))) return undefined;
      // Embedded contexts are part of the shape but not read by contextIris.
      if (shape.key.indexOf('8:@context') !== shape.key.lastIndexOf('8:@context')) return undefined;
      return contextIris(document['@context'], documentLoader);
    })();
    factsOf.set(t.compiled, facts);
  }
  return facts;
}

/**
 * Whether every pointer names an own member of the document through
 * objects and arrays only. selectJsonLd walks with plain property access,
 * so a step into a string picks one of its characters (a value-dependent
 * selection) and an inherited name picks a prototype function. The library
 * walks the *recompacted* document, where a one-item array of a term
 * without `@set` has become its item: no step may index into one.
 */
export function pointersWalkable(document: unknown, pointers: readonly string[]): boolean {
  for (const pointer of pointers) {
    if (typeof pointer !== 'string' || !pointer.startsWith('/')) return false;
    let paths: Array<string | number>;
    try {
      paths = parsePointer(pointer);
    } catch {
      return false;
    }
    let value: unknown = document;
    for (const path of paths) {
      if (FORBIDDEN_SEGMENTS.has(String(path))) return false;
      if (!value || typeof value !== 'object' || !Object.hasOwn(value, path)) return false;
      if (Array.isArray(value) && value.length < 2) return false;
      value = (value as Record<string | number, unknown>)[path];
    }
    if (value === undefined) return false;
  }
  return true;
}
