// The one door of the fast path. Every public operation (canonize, sign,
// derive, verify, sign a presentation) runs its input guards once, then asks
// here; `undefined` means "ask the library", and the operation runs its
// library path. Nothing outside fast/ calls a fast function directly, and the
// switch (the `fastPath` option, else VNEID_FAST_PATH=0) is read only here.
// Verification answers only `true`: a refusal always comes from the library.
import type { DocumentLoader } from '../document-loader.js';
import { canonizeThroughTemplate } from './canonize-fast.js';
import { RDFC_SUITES, signRdfcFast, verifyRdfcFast } from './rdfc-proof.js';
import { deriveSdFast } from './sd/derive.js';
import { signSdBaseFast } from './sd/sign-base.js';
import { verifyDerivedSdFast } from './sd/verify-derived.js';
import { fastPathEnabled } from './switch.js';

const OPERATIONS = {
  canonize: (input: { document: unknown; documentLoader: DocumentLoader }) =>
    canonizeThroughTemplate(input.document, input.documentLoader),
  signRdfc: signRdfcFast,
  signSdBase: signSdBaseFast,
  deriveSd: deriveSdFast,
  verifyRdfc: async (input: Parameters<typeof verifyRdfcFast>[0]) => (await verifyRdfcFast(input)) || undefined,
  verifySdDerived: async (input: Parameters<typeof verifyDerivedSdFast>[0]) =>
    (await verifyDerivedSdFast(input)) || undefined,
} as const;

/** The operations the fast path can answer. */
export type FastOperation = keyof typeof OPERATIONS;
type Input<K extends FastOperation> = Parameters<(typeof OPERATIONS)[K]>[0];
type Answer<K extends FastOperation> = NonNullable<Awaited<ReturnType<(typeof OPERATIONS)[K]>>>;

/**
 * The fast path's answer to `operation`, or `undefined` when it is switched
 * off or has no sure answer. The caller has run its input guards already.
 */
export async function fastAnswer<K extends FastOperation>(
  operation: K,
  input: Input<K>,
  fastPath: boolean | undefined,
): Promise<Answer<K> | undefined> {
  if (!fastPathEnabled(fastPath)) return undefined;
  const run = OPERATIONS[operation] as (input: Input<K>) => Promise<Answer<K> | undefined>;
  return (await run(input)) ?? undefined;
}

/** Whether `cryptosuite` is one of the rdfc suites the fast path signs and verifies. */
export function isFastRdfcSuite(cryptosuite: unknown): boolean {
  return typeof cryptosuite === 'string' && Object.hasOwn(RDFC_SUITES, cryptosuite);
}
