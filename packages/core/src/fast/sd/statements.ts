import { createHmac } from 'node:crypto';
import { SD_BLANK_LABEL } from '../library-internals.js';
import type { LabelledCanonical } from './labelled-canonical.js';

/**
 * A document's statements as ecdsa-sd-2023 signs them: canonical N-Quads
 * with every blank node relabelled `u` + base64url(HMAC-SHA256(hmacKey,
 * canonical label)), sorted by UTF-16 code units (di-sd-primitives'
 * createHmacIdLabelMapFunction and labelReplacementCanonicalizeNQuads).
 */
export interface HmacStatements {
  /** The statements, sorted, each ending in `\n`. */
  statements: string[];
  /** Per template quad, the index of its statement. */
  statementOf: number[];
  /** Canonical label (`c14n2`) → HMAC label (`u…`). */
  hmacLabels: Map<string, string>;
}

const BLANK_LABEL = SD_BLANK_LABEL;

/** The statements of a labelled canonical form under an HMAC key. */
export function hmacStatements(canonical: LabelledCanonical, hmacKey: Uint8Array): HmacStatements {
  const hmacLabels = new Map<string, string>();
  for (const label of canonical.labels.values()) {
    hmacLabels.set(label, `u${createHmac('sha256', hmacKey).update(label, 'utf8').digest('base64url')}`);
  }
  const replace = (_match: string, _whole: string, label: string) => `_:${hmacLabels.get(label)}`;
  const relabelled = canonical.lines.map((line) => (line.includes('_:') ? line.replace(BLANK_LABEL, replace) : line));
  const statements = [...new Set(relabelled)].sort();
  const index = new Map<string, number>();
  for (let i = 0; i < statements.length; i++) index.set(statements[i]!, i);
  return { statements, statementOf: relabelled.map((line) => index.get(line)!), hmacLabels };
}

/** Statements some template quad of `quads` maps to. */
export function statementsOfQuads(statementOf: number[], quads: Uint8Array): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < statementOf.length; i++) if (quads[i]) out.add(statementOf[i]!);
  return out;
}
