import type { ErrorCode } from '@vneid/core';
import type { AuthorizationRequestOutcome, BilingualText, CreatedAuthorizationRequest } from '@vneid/verifier';
import type { ConsentPreview, VerifierAnswer } from '@vneid/wallet-core';
import type { OnlineRelyingParty } from './online-relying-parties.js';
import { ScenarioError, type StepLog, verifiedStep } from './steps.js';
import type { World } from './world.js';

/** One OpenID4VP round: the relying party asks, the wallet shows it, the citizen agrees, the wallet answers. */
export interface OnlineRound {
  created: CreatedAuthorizationRequest;
  shown: ConsentPreview;
  answer: VerifierAnswer;
  outcome: AuthorizationRequestOutcome;
  /** The posted presentation and the request's state: what an eavesdropper could replay. */
  presentation: Record<string, unknown>;
  state: string;
  responseUri: string;
}

/**
 * The relying party creates a request (QR for another device, link on the same one: the wallet reads either
 * string); the wallet previews it and answers with the citizen's full consent, over HTTP on 127.0.0.1.
 */
export async function presentOnline(
  world: World,
  party: OnlineRelyingParty,
  queries: Array<{ type: string; fields: string[]; reason: string }>,
): Promise<OnlineRound> {
  const { verifier } = await world.onlineVerifier(party);
  const created = await verifier.createRequest({ queries });
  const requestObject = await requestObjectOf(created.requestUri);
  const shown = await world.wallet.previewAuthorizationRequest(created.link);
  const { presentation, verifier: answer } = await world.wallet.respondAuthorizationRequest(shown.id, shown.consent);
  return {
    created,
    shown,
    answer,
    outcome: await verifier.outcome(created.id),
    presentation,
    state: String(requestObject.state),
    responseUri: String(requestObject.response_uri),
  };
}

/** The step of an accepted online presentation; throws {@link ScenarioError} unless the verifier accepted it. */
export function onlineVerifiedStep(actor: BilingualText, action: BilingualText, round: OnlineRound): StepLog {
  if (!round.answer.accepted || round.outcome.status !== 'verified' || !round.outcome.report) {
    throw new ScenarioError(
      `${action.en}: expected verified, got ${round.outcome.status} (${round.answer.code ?? round.outcome.codes.join(', ')})`,
    );
  }
  return verifiedStep(actor, action, round.outcome.report, round.presentation as never);
}

/** A step refused by a verifier's endpoint with `code`; throws {@link ScenarioError} otherwise. */
export function endpointRefusal(
  actor: BilingualText,
  action: BilingualText,
  answer: { accepted: boolean; code?: string },
  code: ErrorCode,
  reason: BilingualText,
): StepLog {
  if (answer.accepted || answer.code !== code) {
    throw new ScenarioError(`${action.en}: expected ${code}, got ${answer.accepted ? 'accepted' : answer.code}`);
  }
  return { actor, action, outcome: 'refused', codes: [code], reason };
}

/** Posts a direct_post body to a response URI as anyone could (a replay, a forged answer). */
export async function postResponse(
  responseUri: string,
  body: Record<string, string>,
): Promise<{ accepted: boolean; code?: string; codes?: string[] }> {
  const response = await fetch(responseUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  const json = (await response.json().catch(() => ({}))) as { code?: string; codes?: string[] };
  return {
    accepted: response.ok,
    ...(json.code ? { code: json.code } : {}),
    ...(json.codes ? { codes: json.codes } : {}),
  };
}

/** The signed request object behind a request URI, decoded (the verifier serves it to anyone with the link). */
export async function requestObjectOf(requestUri: string): Promise<Record<string, unknown>> {
  const jwt = await (await fetch(requestUri)).text();
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
