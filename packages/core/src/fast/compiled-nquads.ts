import { createHash } from 'node:crypto';
import type { RdfTemplate, TemplateTerm } from './compile-template.js';
import type { Slot } from './document-shape.js';
import { escapeIri, escapeLiteral, literalSuffix, termText } from './nquads-escape.js';

/** One piece of an N-Quad line: fixed text, a slot's escaped value, or a blank node label. */
type Part = string | { slot: number; iri: boolean } | { blank: string };

/**
 * A template turned into N-Quad lines with holes, so that a canonical form
 * is string concatenation, a few SHA-256 and one sort — RDFC-1.0 when every
 * blank node's first-degree hash is unique (steps 1–5 and 7 of the
 * algorithm; step 6, the N-degree hash, only runs for ties, and ties go to
 * rdf-canonize).
 */
export interface CompiledNQuads {
  lines: Part[][];
  /** Blank node label → indexes of the lines it occurs in (each line once). */
  linesOfBlank: Map<string, number[]>;
  /** Whether line i names a blank node (its text then depends on the labelling). */
  hasBlank: boolean[];
}

export function compileNQuads(template: RdfTemplate): CompiledNQuads {
  const lines: Part[][] = [];
  const linesOfBlank = new Map<string, number[]>();
  template.quads.forEach((quad, index) => {
    const parts: Part[] = [];
    const blanks = new Set<string>();
    const push = (term: TemplateTerm) => {
      if ('slot' in term) {
        if (term.termType === 'NamedNode') {
          parts.push(`<${escapeIri(term.before)}`, { slot: term.slot, iri: true }, `${escapeIri(term.after)}>`);
        } else {
          parts.push(
            `"${escapeLiteral(term.before)}`,
            { slot: term.slot, iri: false },
            `${escapeLiteral(term.after)}"${literalSuffix(term.datatype!.value, term.language)}`,
          );
        }
      } else if (term.termType === 'BlankNode') {
        parts.push({ blank: term.value });
        blanks.add(term.value);
      } else parts.push(termText(term));
    };
    push(quad.subject);
    parts.push(' ');
    push(quad.predicate);
    parts.push(' ');
    push(quad.object);
    if (quad.graph.termType !== 'DefaultGraph') {
      parts.push(' ');
      push(quad.graph);
    }
    parts.push(' .\n');
    lines.push(parts);
    for (const blank of blanks) {
      const list = linesOfBlank.get(blank);
      if (list) list.push(index);
      else linesOfBlank.set(blank, [index]);
    }
  });
  const hasBlank = lines.map((parts) => parts.some((p) => typeof p === 'object' && 'blank' in p));
  return { lines, linesOfBlank, hasBlank };
}

/**
 * Canonical N-Quads of the compiled template filled with `slots`, or
 * `undefined` when two blank nodes tie on their first-degree hash (the
 * caller then hands the dataset to rdf-canonize).
 */
export function canonicalNQuads(compiled: CompiledNQuads, slots: Slot[]): string | undefined {
  // Hot path: plain loops, no closures (tsx wraps every closure it creates).
  const escaped: Array<string | undefined> = new Array(slots.length);
  const { lines } = compiled;
  const asTemplated: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) asTemplated[i] = renderLine(lines[i]!, slots, escaped, undefined);
  const dropped = repeatedLines(asTemplated);
  const labels = firstDegreeLabels(compiled, slots, escaped, dropped);
  if (!labels) return undefined;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (dropped.has(i)) continue;
    out.push(compiled.hasBlank[i] ? renderLine(lines[i]!, slots, escaped, labels) : asTemplated[i]!);
  }
  return out.sort().join('');
}

/**
 * Lines equal to an earlier one once filled in: not in jsonld's dataset,
 * whose node map never repeats a triple. Every line is compared: two equal
 * array items repeat, and so does a slot's line equal to a fixed one (a
 * `@vocab` value spelled once as a term and once as its IRI).
 */
export function repeatedLines(asTemplated: string[]): Set<number> {
  const dropped = new Set<number>();
  const seen = new Set<string>();
  for (let i = 0; i < asTemplated.length; i++) {
    if (seen.has(asTemplated[i]!)) dropped.add(i);
    else seen.add(asTemplated[i]!);
  }
  return dropped;
}

/**
 * Canonical labels of the template's blank nodes from their first-degree
 * hashes (Hash First Degree Quads, with _:a for the node and _:z for the
 * others, over the lines not `dropped`), or `undefined` on a tie.
 */
export function firstDegreeLabels(
  compiled: CompiledNQuads,
  slots: Slot[],
  escaped: Array<string | undefined>,
  dropped: ReadonlySet<number>,
): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  if (compiled.linesOfBlank.size === 1) {
    // A lone blank node is c14n0 whatever its hash: hashes only order blank nodes.
    labels.set(compiled.linesOfBlank.keys().next().value!, 'c14n0');
    return labels;
  }
  const byHash = new Map<string, string>();
  for (const [blank, indexes] of compiled.linesOfBlank) {
    const own: string[] = [];
    for (const i of indexes) {
      if (!dropped.has(i)) own.push(renderLine(compiled.lines[i]!, slots, escaped, blank));
    }
    const hash = createHash('sha256').update(own.sort().join(''), 'utf8').digest('hex');
    if (byHash.has(hash)) return undefined;
    byHash.set(hash, blank);
  }
  let counter = 0;
  for (const hash of [...byHash.keys()].sort()) labels.set(byHash.get(hash)!, `c14n${counter++}`);
  return labels;
}

/**
 * One line, slot values escaped once per call into `escaped`. Blank nodes
 * are labelled as they are (`labels` undefined), `_:a`/`_:z` relative to
 * `labels` when it is a label (first-degree hashing), or by the map.
 */
export function renderLine(
  parts: Part[],
  slots: Slot[],
  escaped: Array<string | undefined>,
  labels: ReadonlyMap<string, string> | string | undefined,
): string {
  let line = '';
  for (const part of parts) {
    if (typeof part === 'string') line += part;
    else if ('blank' in part) {
      const label =
        labels === undefined
          ? part.blank
          : typeof labels === 'string'
            ? part.blank === labels
              ? 'a'
              : 'z'
            : labels.get(part.blank)!;
      line += `_:${label}`;
    } else {
      let text = escaped[part.slot];
      if (text === undefined) {
        // The template holds the slot's prefix in `before`; escaping is per character, so pieces concatenate.
        const slot = slots[part.slot]!;
        const value = slot.value.slice(slot.prefix.length);
        text = part.iri ? escapeIri(value) : escapeLiteral(value);
        escaped[part.slot] = text;
      }
      line += text;
    }
  }
  return line;
}
