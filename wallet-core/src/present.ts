import { randomUUID } from 'node:crypto';
import {
  deriveCredential,
  type JsonObject,
  type NormalizedPresentationRequest,
  parsePresentationRequest,
  selectivePointersFor,
  signPresentation,
  VneidError,
} from '@vneid/core';
import { disclosableFieldsFor, listCredentialTypes } from '@vneid/schemas';
import { recordConsent } from './consents.js';
import { assertNoHostileFields, requestFromText } from './lib/hostile-fields.js';
import {
  documentLoaderFor,
  type HistoryEntry,
  isCurrent,
  type StoredLogEntry,
  type StoredSummary,
  type WalletState,
} from './lib/state.js';
import { narrowToConsent } from './preview.js';

/** What {@link present} hands back: the presentation to send and what the log recorded. */
export interface PresentResult {
  presentation: JsonObject;
  record: HistoryEntry;
}

type Query = NormalizedPresentationRequest['queries'][number];

/**
 * Answers a verifier's QueryByExample request. For each credential query the
 * wallet picks a credential of the type (from a trusted issuer when the
 * request names some) that is inside its validity window and not revoked or
 * suspended as of the last status refresh; it derives an ecdsa-sd-2023
 * credential revealing only the requested fields plus the issuer's mandatory
 * claims, wraps everything in a presentation signed by the holder key and
 * bound to the request's challenge and domain, and records the disclosure
 * (field names only) in the encrypted transaction log before returning.
 *
 * It runs only with the consent built from {@link preview} for this very
 * request (the citizen may narrow the fields, never widen them); the consent
 * receipt is written with the log entry, before the presentation is returned.
 *
 * @example
 * const { presentation } = await wallet.present({ query: [{ type: 'QueryByExample', credentialQuery: {
 *   example: { type: 'CitizenIdentityCard', credentialSubject: { fullName: '', dateOfBirth: '' } } } }],
 *   challenge: 'c0ffee-1234', domain: 'nganhang.example.vn' })
 * @throws {VneidError} UNSAFE_POINTER (a field name reaching the prototype), MALFORMED_VALUE_ERROR,
 *   UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, FIELD_NOT_AVAILABLE (details.field names it),
 *   NO_MATCHING_CREDENTIAL, SELECTIVE_DISCLOSURE_UNSUPPORTED (a non-sd credential asked for part of its
 *   fields), PROOF_GENERATION_ERROR, WALLET_LOCKED, CONSENT_REQUIRED, CONSENT_MISMATCH, CONSENT_WIDENED.
 * @see https://w3c-ccg.github.io/vp-request-spec/#query-by-example
 */
export async function present(state: WalletState, input: unknown, consent: unknown): Promise<PresentResult> {
  const raw = requestFromText(input);
  assertNoHostileFields(raw);
  const { request, preview } = narrowToConsent(state, parsePresentationRequest(raw), consent);
  const { vault } = state;
  const now = state.now();
  const summaries = (await vault.all<StoredSummary>('summary')).map((r) => r.value);
  const picks = request.queries.map((query) => ({ query, summary: pick(query, summaries, now) }));

  const documentLoader = documentLoaderFor(state);
  const credentials: JsonObject[] = [];
  const disclosed: HistoryEntry['credentials'] = [];
  for (const { query, summary } of picks) {
    const stored = await vault.get<JsonObject>('credential', summary.id);
    if (!stored) throw new VneidError('WALLET_CORRUPTED', 'a listed credential has no stored body');
    if (summary.cryptosuite === 'ecdsa-sd-2023') {
      credentials.push(
        await deriveCredential({
          credential: stored,
          selectivePointers: selectivePointersFor(query.fields),
          documentLoader,
        }),
      );
      disclosed.push({ id: summary.id, type: summary.type, fields: [...query.fields] });
    } else {
      credentials.push(stored);
      disclosed.push({ id: summary.id, type: summary.type, fields: [...summary.fields] });
    }
  }

  const presentation = await signPresentation({
    verifiableCredential: credentials,
    holderKey: state.holderKey,
    challenge: request.challenge,
    domain: request.domain,
    documentLoader,
    now,
  });

  const seq = await nextSequence(state);
  const entry: StoredLogEntry = {
    id: `urn:uuid:${randomUUID()}`,
    at: now.toISOString(),
    domain: request.domain,
    credentials: disclosed,
    reasons: [...new Set(request.queries.flatMap((q) => (q.reason ? [q.reason.slice(0, 200)] : [])))],
    seq,
  };
  // Logged before the presentation leaves the wallet: no disclosure without a record.
  await recordConsent(
    state,
    {
      domain: request.domain,
      registered: preview.verifier.registered,
      purpose: preview.purpose,
      credentials: disclosed.map((d) => ({ type: d.type, fields: d.fields })),
    },
    'shared',
    [vault.put('log', entry.id, entry)],
  );
  state.previews.delete(preview.id);
  state.nextSeq = seq + 1;
  const { seq: _seq, ...record } = entry;
  return { presentation, record };
}

function pick(query: Query, summaries: StoredSummary[], now: Date): StoredSummary {
  const known = listCredentialTypes().some((d) => d.type === query.type);
  if (!known) throw noMatch(query);
  const available = disclosableFieldsFor(query.type);
  const missing = query.fields.find((f) => !available.includes(f));
  if (missing !== undefined) {
    throw new VneidError('FIELD_NOT_AVAILABLE', `a ${query.type} has no field "${missing}"`, {
      details: { type: query.type, field: missing },
    });
  }
  const candidates = summaries
    .filter(
      (s) =>
        s.type === query.type &&
        (query.trustedIssuers.length === 0 || query.trustedIssuers.includes(s.issuer)) &&
        isCurrent(s, now) &&
        s.status !== 'revoked' &&
        s.status !== 'suspended',
    )
    .sort(
      (a, b) =>
        (b.validFrom ?? '').localeCompare(a.validFrom ?? '') ||
        b.addedAt.localeCompare(a.addedAt) ||
        a.id.localeCompare(b.id),
    );
  if (candidates.length === 0) throw noMatch(query);
  const complete = candidates.filter((s) => query.fields.every((f) => s.fields.includes(f)));
  if (complete.length === 0) {
    const field = query.fields.find((f) => !candidates.some((s) => s.fields.includes(f)))!;
    throw new VneidError('FIELD_NOT_AVAILABLE', `no held ${query.type} carries the field "${field}"`, {
      details: { type: query.type, field },
    });
  }
  const usable = complete.find(
    (s) => s.cryptosuite === 'ecdsa-sd-2023' || s.fields.every((f) => query.fields.includes(f)),
  );
  if (!usable) {
    throw new VneidError(
      'SELECTIVE_DISCLOSURE_UNSUPPORTED',
      `the held ${query.type} can only be presented whole; the request asks for part of its fields`,
      { details: { type: query.type } },
    );
  }
  return usable;
}

function noMatch(query: Query): VneidError {
  return new VneidError('NO_MATCHING_CREDENTIAL', `no usable ${query.type} in the wallet`, {
    details: { type: query.type },
  });
}

async function nextSequence(state: WalletState): Promise<number> {
  if (state.nextSeq === undefined) {
    const log = await state.vault.all<StoredLogEntry>('log');
    state.nextSeq = log.reduce((max, r) => Math.max(max, r.value.seq), -1) + 1;
  }
  return state.nextSeq;
}
