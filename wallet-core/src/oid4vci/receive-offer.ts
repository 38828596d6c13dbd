import type { CredentialOfferObject, IssuerMetadataResult } from '@openid4vc/openid4vci';
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci';
import { jwsAlgorithmOf, VneidError } from '@vneid/core';
import { type AddResult, addCredential } from '../add-credential.js';
import type { WalletState } from '../lib/state.js';
import { holderCallbacks } from './holder-callbacks.js';

/** A text in Vietnamese and English, as the issuer's metadata displays it. */
export interface DisplayText {
  vi: string;
  en: string;
}

/** What the citizen is shown before accepting an offer. */
export interface OfferPreview {
  /** The credential issuer URL the offer comes from. */
  issuer: string;
  issuerName: DisplayText;
  credentials: Array<{ configurationId: string; type: string; name: DisplayText; fields: DisplayText[] }>;
  /** Present when the citizen must type a transaction code (sent to them by another channel). */
  txCode?: { length?: number; inputMode?: string; description?: string };
  /** For {@link acceptCredentialOffer}. */
  readonly offer: CredentialOfferObject;
  readonly metadata: IssuerMetadataResult;
}

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

function pickDisplay(display: unknown, fallback: string): DisplayText {
  const list = Array.isArray(display) ? (display as Array<{ name?: unknown; locale?: unknown }>) : [];
  const by = (prefix: string) =>
    list.find((d) => typeof d.locale === 'string' && d.locale.toLowerCase().startsWith(prefix))?.name;
  const first = list.find((d) => typeof d.name === 'string')?.name;
  const vi = by('vi') ?? first ?? fallback;
  const en = by('en') ?? first ?? fallback;
  return { vi: String(vi).slice(0, 200), en: String(en).slice(0, 200) };
}

const LOOPBACK = ['127.0.0.1', '[::1]', 'localhost'];

/**
 * The library refuses http URLs through a process-wide switch; a wallet turns
 * it on only for an offer served from the loopback interface (tests, demos).
 */
function allowLoopbackHttp(offerUri: string): void {
  try {
    const inner = new URL(offerUri).searchParams.get('credential_offer_uri');
    const url = new URL(inner ?? offerUri);
    if (url.protocol === 'http:' && LOOPBACK.includes(url.hostname)) setGlobalConfig({ allowInsecureUrls: true });
  } catch {
    // Not a URL: the library says so.
  }
}

/** Issuers must be https; plain http only on the loopback interface (tests, local demos). */
function assertIssuerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the offer names no valid credential issuer URL');
  }
  const loopback = LOOPBACK.includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the credential issuer must use https');
  }
}

function protocolError(message: string, cause: unknown): VneidError {
  return new VneidError('OID4VC_PROTOCOL_ERROR', message, { cause });
}

/**
 * Resolves an OpenID4VCI credential offer (`openid-credential-offer://…`, by
 * value or by reference) and the issuer's metadata with `@openid4vc/openid4vci`,
 * and says what the citizen would receive: the issuer's and each document's
 * name in Vietnamese and English, its fields, and whether a transaction code
 * is needed. Nothing is stored.
 *
 * @example
 * const preview = await wallet.previewOffer('openid-credential-offer://?credential_offer_uri=…')
 * @throws {VneidError} OID4VC_PROTOCOL_ERROR (unreadable offer or metadata, non-https issuer, no pre-authorised grant).
 * @see https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html#section-4.1
 */
export async function previewCredentialOffer(state: WalletState, offerUri: string): Promise<OfferPreview> {
  if (typeof offerUri !== 'string' || offerUri.length > 8192) {
    throw new VneidError('MALFORMED_VALUE_ERROR', 'an offer is a URI of at most 8 KiB');
  }
  const client = new Openid4vciClient({ callbacks: holderCallbacks(state.holderKey) as never });
  allowLoopbackHttp(offerUri);
  let offer: CredentialOfferObject;
  try {
    offer = await client.resolveCredentialOffer(offerUri);
  } catch (cause) {
    throw protocolError('the credential offer cannot be read', cause);
  }
  assertIssuerUrl(offer.credential_issuer);
  let metadata: IssuerMetadataResult;
  try {
    metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  } catch (cause) {
    throw protocolError('the issuer metadata cannot be read', cause);
  }
  const grant = offer.grants?.[PRE_AUTH] as { tx_code?: Record<string, unknown> } | undefined;
  if (!grant) throw new VneidError('OID4VC_PROTOCOL_ERROR', 'only pre-authorised offers are supported');
  const configurations = metadata.credentialIssuer.credential_configurations_supported;
  const credentials = offer.credential_configuration_ids.map((id) => {
    const configuration = configurations[id] as Record<string, unknown> | undefined;
    const definition = configuration?.credential_definition as { type?: unknown } | undefined;
    if (configuration?.format !== 'ldp_vc' || !Array.isArray(definition?.type)) {
      throw new VneidError('CREDENTIAL_CONFIGURATION_UNKNOWN', 'the offer names a document this wallet cannot hold');
    }
    const type = (definition.type as unknown[]).find((t) => t !== 'VerifiableCredential');
    const credentialMetadata = configuration.credential_metadata as { display?: unknown; claims?: unknown } | undefined;
    const claims = Array.isArray(credentialMetadata?.claims)
      ? (credentialMetadata.claims as Array<Record<string, unknown>>)
      : [];
    return {
      configurationId: id,
      type: String(type),
      name: pickDisplay(credentialMetadata?.display ?? configuration.display, id),
      fields: claims.map((c) => pickDisplay(c.display, Array.isArray(c.path) ? String(c.path.at(-1)) : '')),
    };
  });
  const tx = grant.tx_code;
  return {
    issuer: offer.credential_issuer,
    issuerName: pickDisplay(metadata.credentialIssuer.display, offer.credential_issuer),
    credentials,
    ...(tx
      ? {
          txCode: {
            ...(typeof tx.length === 'number' ? { length: tx.length } : {}),
            ...(typeof tx.input_mode === 'string' ? { inputMode: tx.input_mode } : {}),
            ...(typeof tx.description === 'string' ? { description: tx.description.slice(0, 300) } : {}),
          },
        }
      : {}),
    offer,
    metadata,
  };
}

/**
 * Redeems a previewed offer: token request with the pre-authorised code and
 * the citizen's transaction code, a fresh nonce, a proof JWT signed by the
 * holder key (its did:key as `kid`), the credential request, and then each
 * received credential goes through {@link addCredential} — the same offline
 * checks as any other credential (issuer proof, schema, holder binding).
 *
 * @example
 * const [{ credential }] = await wallet.acceptOffer(preview, { txCode: '493817' })
 * @throws {VneidError} OID4VC_PROTOCOL_ERROR with `details.error` (the issuer's OAuth error, e.g. invalid_grant for a
 *   wrong or reused code), and every code of {@link addCredential}.
 */
export async function acceptCredentialOffer(
  state: WalletState,
  preview: OfferPreview,
  options: { txCode?: string } = {},
): Promise<AddResult[]> {
  const client = new Openid4vciClient({ callbacks: holderCallbacks(state.holderKey) as never });
  const { offer, metadata } = preview;
  const results: AddResult[] = [];
  try {
    const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer: offer,
      issuerMetadata: metadata,
      ...(options.txCode !== undefined ? { txCode: options.txCode } : {}),
    });
    const received: unknown[] = [];
    let nonce = accessTokenResponse.c_nonce;
    for (const { configurationId } of preview.credentials) {
      if (metadata.credentialIssuer.nonce_endpoint)
        nonce = (await client.requestNonce({ issuerMetadata: metadata })).c_nonce;
      const { jwt } = await client.createCredentialRequestJwtProof({
        issuerMetadata: metadata,
        credentialConfigurationId: configurationId,
        signer: { method: 'did', didUrl: state.holderKey.id, alg: jwsAlgorithmOf(state.holderKey.keyType) },
        ...(nonce !== undefined ? { nonce } : {}),
        issuedAt: state.now(),
      });
      const response = await client.retrieveCredentials({
        issuerMetadata: metadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: configurationId,
        proof: { proof_type: 'jwt', jwt },
      });
      const body = response.credentialResponse as {
        credentials?: Array<{ credential: unknown }>;
        credential?: unknown;
      };
      for (const c of body.credentials ?? []) received.push(c.credential);
      if (body.credential !== undefined) received.push(body.credential);
    }
    for (const credential of received) results.push(await addCredential(state, credential));
  } catch (error) {
    if (error instanceof VneidError) throw error;
    const oauth =
      (error as { errorResponse?: { error?: unknown; code?: unknown } }).errorResponse ??
      (error as { response?: { credentialErrorResponseResult?: { data?: { error?: unknown } } } }).response
        ?.credentialErrorResponseResult?.data;
    throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the issuer refused the offer redemption', {
      cause: error,
      details: {
        ...(typeof oauth?.error === 'string' ? { error: oauth.error } : {}),
        ...(typeof (oauth as { code?: unknown })?.code === 'string' ? { code: (oauth as { code: string }).code } : {}),
      },
    });
  }
  return results;
}
