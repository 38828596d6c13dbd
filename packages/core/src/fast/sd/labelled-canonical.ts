import { createHash } from 'node:crypto';
import * as rdfCanonize from 'rdf-canonize';
import { fillTemplate, type RdfTemplate } from '../compile-template.js';
import { type CompiledNQuads, firstDegreeLabels, renderLine, repeatedLines } from '../compiled-nquads.js';
import type { Slot } from '../document-shape.js';
import { termText } from '../nquads-escape.js';
import type { Quad, Term } from '../rdf-terms.js';

/**
 * The canonical form of a filled template, quad by quad: which canonical
 * label each template blank node gets and which line each template quad
 * becomes. di-sd-primitives needs both (it relabels canonical blank nodes
 * and groups statements by where they come from), which the plain
 * canonical string does not tell.
 */
export interface LabelledCanonical {
  /** Template blank node (`_:b3`) → canonical label (`c14n0`). */
  labels: Map<string, string>;
  /** Per template quad, its canonical N-Quad with `\n`; equal lines are one statement (jsonld never repeats a triple). */
  lines: string[];
  /** Two blank nodes tied on their first-degree hash (rdf-canonize labelled them). */
  tied: boolean;
  /** Two template quads became one line. */
  repeated: boolean;
}

/**
 * RDFC-1.0 labels as in compiled-nquads.ts: first-degree hashes when they
 * are unique (no N-degree step is needed then), else rdf-canonize in full
 * on the deduplicated dataset with its `canonicalIdMap`.
 */
export async function labelledCanonical(
  template: RdfTemplate,
  compiled: CompiledNQuads,
  slots: Slot[],
): Promise<LabelledCanonical> {
  const escaped: Array<string | undefined> = new Array(slots.length);
  const { lines } = compiled;
  const raw = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) raw[i] = renderLine(lines[i]!, slots, escaped, undefined);
  const dropped = repeatedLines(raw);
  if (compiled.linesOfBlank.size === 0) {
    return { labels: new Map(), lines: raw, tied: false, repeated: dropped.size > 0 };
  }
  let labels = firstDegreeLabels(compiled, slots, escaped, dropped);
  const tied = !labels;
  if (!labels) {
    const quads = fillTemplate(template, { slots });
    const unique = quads.filter((_, i) => !dropped.has(i));
    const canonicalIdMap = new Map<string, string>();
    await rdfCanonize.canonize(unique, { algorithm: 'RDFC-1.0', canonicalIdMap });
    labels = canonicalIdMap;
  }
  const out = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = renderLine(lines[i]!, slots, escaped, labels);
  return { labels, lines: out, tied, repeated: dropped.size > 0 };
}

/** Whether any fixed text of the compiled lines (IRIs and literals from contexts, verbatim values) contains `text`. */
export function fixedTextContains(compiled: CompiledNQuads, text: string): boolean {
  for (const parts of compiled.lines) {
    for (const part of parts) if (typeof part === 'string' && part.includes(text)) return true;
  }
  return false;
}

/**
 * RDFC-1.0 labels of a dataset given as quads (repeated quads ignored):
 * first-degree hashes when they are unique, else rdf-canonize's `canonicalIdMap`.
 * Keys are the quads' blank node values.
 */
export async function labelsOfQuads(quads: Quad[]): Promise<Map<string, string>> {
  const seen = new Set<string>();
  const unique: Quad[] = [];
  for (const quad of quads) {
    const line = quadLine(quad, undefined);
    if (!seen.has(line)) {
      seen.add(line);
      unique.push(quad);
    }
  }
  const quadsOfBlank = new Map<string, Quad[]>();
  for (const quad of unique) {
    for (const term of [quad.subject, quad.object, quad.graph]) {
      if (term.termType !== 'BlankNode') continue;
      const list = quadsOfBlank.get(term.value);
      if (!list) quadsOfBlank.set(term.value, [quad]);
      else if (list.at(-1) !== quad) list.push(quad);
    }
  }
  const labels = new Map<string, string>();
  if (quadsOfBlank.size === 1) {
    labels.set(quadsOfBlank.keys().next().value!, 'c14n0');
    return labels;
  }
  const byHash = new Map<string, string>();
  for (const [blank, own] of quadsOfBlank) {
    const text = own
      .map((quad) => quadLine(quad, blank))
      .sort()
      .join('');
    const hash = createHash('sha256').update(text, 'utf8').digest('hex');
    if (byHash.has(hash)) {
      const canonicalIdMap = new Map<string, string>();
      await rdfCanonize.canonize(unique, { algorithm: 'RDFC-1.0', canonicalIdMap });
      return canonicalIdMap;
    }
    byHash.set(hash, blank);
  }
  let counter = 0;
  for (const hash of [...byHash.keys()].sort()) labels.set(byHash.get(hash)!, `c14n${counter++}`);
  return labels;
}

/** An N-Quad; blank nodes as themselves, or `_:a`/`_:z` relative to `hashing`. */
function quadLine(quad: Quad, hashing: string | undefined): string {
  const text = (term: Term) =>
    term.termType !== 'BlankNode'
      ? termText(term)
      : hashing === undefined
        ? `_:${term.value}`
        : term.value === hashing
          ? '_:a'
          : '_:z';
  const graph = quad.graph.termType === 'DefaultGraph' ? '' : ` ${text(quad.graph)}`;
  return `${text(quad.subject)} ${text(quad.predicate)} ${text(quad.object)}${graph} .\n`;
}
