import {
  idOf,
  type JsonObject,
  type NormalizedPresentationRequest,
  type PresentationRequest,
  parsePresentationRequest,
  singleProof,
  toVneidError,
  VneidError,
  verifyPresentationProof,
} from '@vneid/core';
import { type ChallengeStore, createUsedChallengeStore } from './challenge-store.js';
import { checkBundle } from './lib/bundle-check.js';
import { type CheckedCredential, CREDENTIAL_CHECKS, checkCredential } from './lib/check-credential.js';
import { parseDateTime } from './lib/dates.js';
import { NOT_REQUESTED } from './lib/messages.js';
import { assertInputSafe, type CommonVerifyOptions, resolveOptions } from './lib/options.js';
import { ReportBuilder } from './lib/report.js';
import { contextProblem } from './lib/trust-view.js';
import type { CheckName, VerificationReport } from './types.js';

/** Options of `verifyPresentation`. */
export interface VerifyPresentationOptions extends CommonVerifyOptions {
  /** The challenge this verifier issued (default: `request.challenge`). */
  challenge?: string;
  /** This verifier's domain (default: `request.domain`). */
  domain?: string;
  /** What was asked for: every requested field must be disclosed. */
  request?: PresentationRequest;
  /**
   * Where used challenges are kept: a second presentation with one is CHALLENGE_REPLAYED. Default: one
   * in-memory store of used challenges per process (`createUsedChallengeStore`), so replay protection is on
   * even when the caller forgets it; pass `createChallengeStore` to accept only challenges you issued.
   */
  challengeStore?: ChallengeStore;
  /** Explicit opt-out of single-use challenges (a caller that keeps its own record). Default false. */
  allowReplay?: boolean;
  /** Maximum age of the presentation proof in seconds (default 300). */
  maxPresentationAge?: number;
}

let processChallenges: ChallengeStore | undefined;
function defaultUsedChallenges(): ChallengeStore {
  processChallenges ??= createUsedChallengeStore();
  return processChallenges;
}

const TARGET = 'presentation';
const PRESENTATION_CHECKS: readonly CheckName[] = [
  'context',
  'proof',
  'challenge',
  'domain',
  'validityPeriod',
  'holderBinding',
  'requestSatisfied',
];
// VCDM 2.0 lets anyone present a credential: binding is the citizen-document profile's rule.
const NOT_BOUND = {
  en: 'Not checked: the general profile does not bind credentials to the holder.',
  vi: 'Không kiểm tra: hồ sơ chung không ràng buộc thông tin xác thực với người nắm giữ.',
};
const REFUSED = { en: 'Not checked: the input was refused.', vi: 'Không kiểm tra: dữ liệu đầu vào bị từ chối.' };

/**
 * Verifies a presentation offline: input limits, pinned contexts, exactly
 * one holder proof bound to this verifier's challenge and domain, single use
 * of the challenge, the presentation's age, holder binding (the holder signs
 * and is the subject of every credential), every credential with
 * `verifyCredential`'s checks, and that every requested field was disclosed.
 *
 * @example
 * const challenge = challenges.issue();
 * const report = await verifyPresentation(vp, { challenge, domain: 'nganhang.example', request, challengeStore: challenges, bundle, statusCache, now: new Date() });
 * Codes reported: those of verifyCredential, plus CHALLENGE_MISMATCH, CHALLENGE_REPLAYED, DOMAIN_MISMATCH,
 * PRESENTATION_TOO_OLD, HOLDER_MISMATCH, REQUEST_NOT_SATISFIED.
 * @throws {TypeError} for caller misuse: no challenge or domain, no loaded bundle, malformed request.
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
 */
export async function verifyPresentation(
  presentation: unknown,
  options: VerifyPresentationOptions,
): Promise<VerificationReport> {
  const ctx = resolveOptions(options);
  let request: NormalizedPresentationRequest | undefined;
  if (options.request !== undefined) {
    try {
      request = parsePresentationRequest(options.request);
    } catch (error) {
      throw new TypeError(`request is malformed: ${(error as Error).message}`);
    }
  }
  const challenge = options.challenge ?? request?.challenge;
  const domain = options.domain ?? request?.domain;
  if (typeof challenge !== 'string' || challenge.length === 0) throw new TypeError('challenge is required');
  if (typeof domain !== 'string' || domain.length === 0) throw new TypeError('domain is required');
  const maxAge = options.maxPresentationAge ?? 300;
  if (typeof maxAge !== 'number' || !(maxAge >= 0)) throw new TypeError('maxPresentationAge must be >= 0');

  const report = new ReportBuilder(ctx.checks);
  checkBundle(ctx, report);
  try {
    assertInputSafe(presentation, ctx.limits);
    await checkPresentation(
      presentation,
      {
        challenge,
        domain,
        maxAge,
        request,
        store: options.allowReplay === true ? undefined : (options.challengeStore ?? defaultUsedChallenges()),
      },
      ctx,
      report,
    );
  } catch (error) {
    const e = toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'presentation refused');
    report.invalid(TARGET, 'proof', e.code, e.message);
    report.skipRest(TARGET, PRESENTATION_CHECKS, REFUSED);
  }
  return report.finish(ctx.onUnknown);
}

async function checkPresentation(
  input: unknown,
  expected: {
    challenge: string;
    domain: string;
    maxAge: number;
    request: NormalizedPresentationRequest | undefined;
    store: ChallengeStore | undefined;
  },
  ctx: ReturnType<typeof resolveOptions>,
  report: ReportBuilder,
): Promise<void> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new VneidError('MALFORMED_VALUE_ERROR', 'a presentation must be a JSON object');
  }
  const vp = input as JsonObject;
  // Every context, the embedded credentials' included, is checked before the
  // presentation proof canonicalizes them all.
  const list = vp.verifiableCredential === undefined ? [] : vp.verifiableCredential;
  const credentials = Array.isArray(list) ? list : [list];
  const problem =
    contextProblem(vp, ctx.view, { inline: ctx.profile.inlineContexts, presentation: true }) ??
    credentials
      .map((vc, i) => {
        if (!vc || typeof vc !== 'object' || Array.isArray(vc)) return `credential[${i}] is not an object`;
        const p = contextProblem(vc as JsonObject, ctx.view, { inline: ctx.profile.inlineContexts });
        return p && `credential[${i}]: ${p}`;
      })
      .find((p) => p !== undefined);
  if (problem) {
    report.invalid(TARGET, 'context', 'CONTEXT_NOT_ALLOWED', problem);
    report.skipRest(TARGET, PRESENTATION_CHECKS, REFUSED);
    return;
  }
  report.valid(TARGET, 'context');
  const types = Array.isArray(vp.type) ? vp.type : [vp.type];
  if (!types.includes('VerifiablePresentation')) {
    throw new VneidError('MALFORMED_VALUE_ERROR', 'type must include VerifiablePresentation');
  }

  // Exactly one proof: a proof set verifies in jsonld-signatures if any proof does.
  const proof = singleProof(vp);
  const proofObject = proof.ok ? proof.proof : undefined;
  const vm = typeof proofObject?.verificationMethod === 'string' ? proofObject.verificationMethod : undefined;
  let proofValid = false;
  if (!proofObject) {
    report.invalid(TARGET, 'proof', 'PROOF_VERIFICATION_ERROR', 'a presentation must carry exactly one proof object');
  } else if (typeof proofObject.challenge !== 'string' || typeof proofObject.domain !== 'string') {
    report.invalid(TARGET, 'proof', 'PROOF_VERIFICATION_ERROR', 'the proof must carry a challenge and a domain');
  } else if (!report.wants('proof')) {
    report.skipped(TARGET, 'proof', NOT_REQUESTED);
  } else {
    // Verified against the values it carries, so that a wrong challenge or
    // domain is reported as such rather than as a broken signature.
    const outcome = await verifyPresentationProof({
      presentation: vp,
      challenge: proofObject.challenge,
      domain: proofObject.domain,
      documentLoader: ctx.view.documentLoader,
      strictProof: ctx.profile.canonicalProof,
    });
    proofValid = outcome.verified;
    if (outcome.verified) report.valid(TARGET, 'proof');
    else report.invalid(TARGET, 'proof', outcome.error?.code ?? 'PROOF_VERIFICATION_ERROR', outcome.error?.message);
  }

  const challengeMatches = proofObject?.challenge === expected.challenge;
  if (!challengeMatches) {
    report.invalid(TARGET, 'challenge', 'CHALLENGE_MISMATCH', 'the proof answers another challenge');
  } else if (
    expected.store &&
    proofValid &&
    // Remembered as long as a presentation for it can be accepted: its maximum age plus the clock tolerance.
    !(await expected.store.consume(expected.challenge, {
      now: ctx.now,
      ttlSeconds: expected.maxAge + ctx.skewMs / 1000 + 60,
    }))
  ) {
    // Consumed only for a genuine proof: a forgery cannot burn someone's challenge.
    report.invalid(TARGET, 'challenge', 'CHALLENGE_REPLAYED', 'the challenge is unknown, expired or already used');
  } else if (expected.store && !proofValid) {
    report.skipped(TARGET, 'challenge', {
      en: 'Not checked: the proof failed.',
      vi: 'Không kiểm tra: chữ ký không hợp lệ.',
    });
  } else {
    report.valid(TARGET, 'challenge');
  }
  if (proofObject?.domain === expected.domain) report.valid(TARGET, 'domain');
  else report.invalid(TARGET, 'domain', 'DOMAIN_MISMATCH', 'the proof was made for another domain');

  const created = parseDateTime(proofObject?.created);
  if (created === undefined) {
    report.invalid(TARGET, 'validityPeriod', 'PRESENTATION_TOO_OLD', 'the proof has no valid created date');
  } else if (ctx.now - created > expected.maxAge * 1000 || created > ctx.now + ctx.skewMs + 60_000) {
    // One minute of tolerance into the future: phones' clocks drift.
    report.invalid(TARGET, 'validityPeriod', 'PRESENTATION_TOO_OLD', `presented at ${String(proofObject?.created)}`);
  } else {
    report.valid(TARGET, 'validityPeriod');
  }

  const checked: CheckedCredential[] = [];
  for (const [i, vc] of credentials.entries()) {
    const target = `credential[${i}]`;
    try {
      checked.push(await checkCredential(vc, target, ctx, report));
    } catch (error) {
      const e = toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'verification failed');
      report.invalid(target, 'proof', e.code, e.message);
      report.skipRest(target, CREDENTIAL_CHECKS, REFUSED);
      checked.push({ proofValid: false, types: [], subject: undefined, issuerId: undefined });
    }
  }

  // Holder binding: the signer of the presentation is its holder and the
  // subject of every credential in it.
  const holder = idOf(vp.holder);
  const signer = vm?.split('#')[0];
  if (!report.wants('holderBinding')) report.skipped(TARGET, 'holderBinding', NOT_REQUESTED);
  else if (!ctx.profile.holderBinding) report.skipped(TARGET, 'holderBinding', NOT_BOUND);
  else if (!holder || holder !== signer) {
    report.invalid(TARGET, 'holderBinding', 'HOLDER_MISMATCH', 'the presentation is not signed by its holder');
  } else {
    const foreign = checked.findIndex((c) => c.subject?.id !== holder);
    if (foreign === -1) report.valid(TARGET, 'holderBinding');
    else report.invalid(TARGET, 'holderBinding', 'HOLDER_MISMATCH', `credential[${foreign}] belongs to someone else`);
  }

  if (!expected.request) {
    report.skipped(TARGET, 'requestSatisfied', { en: 'No request given.', vi: 'Không có yêu cầu.' });
    return;
  }
  const missing: string[] = [];
  for (const query of expected.request.queries) {
    const candidates = checked.filter(
      (c) =>
        c.proofValid &&
        c.types.includes(query.type) &&
        (query.trustedIssuers.length === 0 || (c.issuerId !== undefined && query.trustedIssuers.includes(c.issuerId))),
    );
    const lacking = (c: CheckedCredential) => query.fields.filter((f) => !c.subject || !Object.hasOwn(c.subject, f));
    const best = candidates.map(lacking).sort((a, b) => a.length - b.length)[0] ?? query.fields;
    if (candidates.length === 0 || best.length > 0) {
      missing.push(`${query.type}: ${candidates.length === 0 ? 'no credential' : best.join(', ')}`);
    }
  }
  if (missing.length === 0) report.valid(TARGET, 'requestSatisfied');
  else report.invalid(TARGET, 'requestSatisfied', 'REQUEST_NOT_SATISFIED', `not disclosed: ${missing.join('; ')}`);
}
