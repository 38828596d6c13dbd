import type { DocumentLoader } from '../document-loader.js';
import { compileTemplate, type RdfTemplate } from './compile-template.js';
import { type CompiledNQuads, compileNQuads } from './compiled-nquads.js';
import type { DocumentShape } from './document-shape.js';
import { walkContexts } from './walk-contexts.js';

interface ShapeEntry {
  /** How often the shape was seen: one-off shapes (hostile or rare) never pay for a compile. */
  seen: number;
  unplannable: boolean;
  verbatim: Set<number>;
  /** By the values of the verbatim slots. */
  templates: Map<string, RdfTemplate>;
}

interface LoaderCache {
  shapes: Map<string, ShapeEntry>;
  termsWithColon: Map<string, Promise<ReadonlySet<string> | undefined>>;
}

const MAX_SHAPES = 512;
const MAX_TEMPLATES_PER_SHAPE = 64;
const MAX_COMPILE_ROUNDS = 8;
const COMPILE_AFTER_SIGHTINGS = 2;

// Per loader: two loaders may map one context URL to different documents.
const caches = new WeakMap<DocumentLoader, LoaderCache>();

function cacheOf(documentLoader: DocumentLoader): LoaderCache {
  let cache = caches.get(documentLoader);
  if (!cache) {
    cache = { shapes: new Map(), termsWithColon: new Map() };
    caches.set(documentLoader, cache);
  }
  return cache;
}

/**
 * The compiled template for a document's shape, compiling it on the second
 * sighting; `undefined` sends the caller down the library path.
 */
export async function templateFor(
  document: unknown,
  shape: DocumentShape,
  documentLoader: DocumentLoader,
): Promise<RdfTemplate | undefined> {
  // A document that could pose as a placeholder never meets a template.
  if (shape.tainted) return undefined;
  const { shapes } = cacheOf(documentLoader);
  let entry = shapes.get(shape.key);
  if (entry) {
    // Refresh its place in the insertion-ordered map (LRU).
    shapes.delete(shape.key);
    shapes.set(shape.key, entry);
  } else {
    entry = { seen: 0, unplannable: false, verbatim: new Set(), templates: new Map() };
    shapes.set(shape.key, entry);
    if (shapes.size > MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
  }
  entry.seen++;
  if (entry.unplannable || entry.seen < COMPILE_AFTER_SIGHTINGS) return undefined;
  const cached = entry.templates.get(verbatimKey(shape, entry.verbatim));
  if (cached) return cached;
  for (let round = 0; round < MAX_COMPILE_ROUNDS; round++) {
    const outcome = await compileTemplate(document, shape, entry.verbatim, documentLoader);
    if (outcome.kind === 'template') {
      if (entry.templates.size >= MAX_TEMPLATES_PER_SHAPE) entry.templates.clear();
      entry.templates.set(verbatimKey(shape, entry.verbatim), outcome.template);
      return outcome.template;
    }
    if (outcome.kind === 'unplannable') break;
    for (const slot of outcome.slots) entry.verbatim.add(slot);
    entry.templates.clear();
  }
  entry.unplannable = true;
  return undefined;
}

function verbatimKey(shape: DocumentShape, verbatim: ReadonlySet<number>): string {
  if (verbatim.size === 0) return '';
  return JSON.stringify([...verbatim].sort((a, b) => a - b).map((i) => shape.slots[i]!.value));
}

/**
 * Every term name containing a colon in the contexts a document uses: such
 * a term expands as a whole (`_expandIri` looks terms up first), so an
 * IRI-like value equal to one cannot be filled into a template.
 * `undefined` when a context cannot be walked here (`@import`, a load
 * failure): the caller takes the library path, which reports the error.
 */
export function termsWithColon(
  context: unknown,
  documentLoader: DocumentLoader,
): Promise<ReadonlySet<string> | undefined> {
  const cache = cacheOf(documentLoader).termsWithColon;
  const key = JSON.stringify(context) ?? '';
  let found = cache.get(key);
  if (!found) {
    found = collectTerms(context, documentLoader);
    cache.set(key, found);
    if (cache.size > MAX_SHAPES) cache.delete(cache.keys().next().value!);
  }
  return found;
}

async function collectTerms(
  context: unknown,
  documentLoader: DocumentLoader,
): Promise<ReadonlySet<string> | undefined> {
  const terms = new Set<string>();
  const complete = await walkContexts(context, documentLoader, async (object, visit) => {
    for (const [key, item] of Object.entries(object)) {
      if (key === '@import') return false;
      if (key.includes(':')) terms.add(key);
      if ((key === '@context' || (item && typeof item === 'object')) && !(await visit(item))) return false;
    }
    return true;
  });
  return complete ? terms : undefined;
}

const compiledForms = new WeakMap<RdfTemplate, CompiledNQuads>();

/** The template as N-Quad lines with holes, compiled once per template. */
export function compiledNQuadsOf(template: RdfTemplate): CompiledNQuads {
  let compiled = compiledForms.get(template);
  if (!compiled) {
    compiled = compileNQuads(template);
    compiledForms.set(template, compiled);
  }
  return compiled;
}
