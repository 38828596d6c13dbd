import type { JsonObject } from '@vneid/core';
import type { IssuerContext } from './lib/context.js';
import { type IssueRequest, issueRequest, type Signer } from './lib/issue-core.js';
import { issuerLoader } from './lib/loader.js';
import { signWithKey } from './lib/sign.js';

/** Signs in the calling thread with the issuer's own loader. */
export function localSigner(ctx: IssuerContext): Signer {
  return (job, key) => signWithKey(job, key, issuerLoader(ctx));
}

/** The issuer's own signing threads when it has them, else the calling thread. */
export function defaultSigner(ctx: IssuerContext): Signer {
  const pool = ctx.signingPool;
  return pool ? (job, key) => pool.sign(job, key.export({ includeSecret: true })) : localSigner(ctx);
}

/**
 * Issues one credential of a registered type: validates the request (the
 * subject against its JSON Schema, the ministry's authorisation by role),
 * allocates random revocation and suspension indexes, signs (default
 * ecdsa-sd-2023 with the present {@link MANDATORY_POINTERS} mandatory) and
 * durably records the issuance and its audit entry before returning. A
 * refused request allocates nothing; the refusal is audited without values.
 *
 * @example
 * const vc = await issuer.issue({ ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject, holder: 'did:key:z6Mk…' });
 * @throws {VneidError} FORBIDDEN_FIELD (issuer, proof, credentialStatus … set by the caller),
 *   UNKNOWN_MINISTRY, UNKNOWN_CREDENTIAL_TYPE, ISSUER_NOT_AUTHORIZED, SCHEMA_VALIDATION_ERROR
 *   (`details.violations` lists every bad field), MALFORMED_VALUE_ERROR (dates, holder, suite),
 *   UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, PROOF_GENERATION_ERROR, KEY_RETIRED, IDEMPOTENCY_KEY_REUSED
 *   (`idempotencyKey` used before with another request), STORAGE_UNAVAILABLE, STORAGE_WRITE_FAILED.
 * @see https://www.w3.org/TR/vc-data-model-2.0/
 */
export async function issue(ctx: IssuerContext, request: IssueRequest): Promise<JsonObject> {
  return issueRequest(ctx, request, defaultSigner(ctx));
}
