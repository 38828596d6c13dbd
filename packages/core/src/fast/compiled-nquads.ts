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
  // jsonld's node map never repeats a triple; filled-in values can (two equal
  // array items, or a value equal to a fixed line: a @vocab term and its IRI).
  const { lines } = compiled;
  const asTemplated: string[] = new Array(lines.length);
  let dropped: Set<number> | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = render(lines[i]!, slots, escaped, undefined, undefined);
    asTemplated[i] = line;
    if (!seen.has(line)) seen.add(line);
    else {
      dropped ??= new Set();
      dropped.add(i);
    }
  }
  const byHash = new Map<string, string>();
  // One blank node gets c14n0 whatever its hash: hashes only order blank nodes.
  const single = compiled.linesOfBlank.size === 1;
  for (const [blank, indexes] of compiled.linesOfBlank) {
    if (single) {
      byHash.set('', blank);
      break;
    }
    const own: string[] = [];
    for (const i of indexes) {
      if (dropped?.has(i)) continue;
      own.push(render(lines[i]!, slots, escaped, blank, undefined));
    }
    if (own.length === 0) continue;
    const hash = createHash('sha256').update(own.sort().join(''), 'utf8').digest('hex');
    if (byHash.has(hash)) return undefined;
    byHash.set(hash, blank);
  }
  const canonical = new Map<string, string>();
  let counter = 0;
  for (const hash of [...byHash.keys()].sort()) canonical.set(byHash.get(hash)!, `c14n${counter++}`);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (dropped?.has(i)) continue;
    out.push(compiled.hasBlank[i] ? render(lines[i]!, slots, escaped, undefined, canonical) : asTemplated[i]!);
  }
  return out.sort().join('');
}

/**
 * One line. Blank nodes are labelled `_:a`/`_:z` relative to `hashing` (first-degree
 * hash), by `canonical` (output), or as they are.
 */
function render(
  parts: Part[],
  slots: Slot[],
  escaped: Array<string | undefined>,
  hashing: string | undefined,
  canonical: Map<string, string> | undefined,
): string {
  let line = '';
  for (const part of parts) {
    if (typeof part === 'string') line += part;
    else if ('blank' in part) {
      const label =
        hashing !== undefined
          ? part.blank === hashing
            ? 'a'
            : 'z'
          : canonical
            ? canonical.get(part.blank)!
            : part.blank;
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
