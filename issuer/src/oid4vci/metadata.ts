import type { AuthorizationServerMetadata } from '@openid4vc/oauth2';
import {
  type CredentialIssuerMetadata,
  type IssuerMetadataResult,
  Openid4vciIssuer,
  Openid4vciVersion,
} from '@openid4vc/openid4vci';
import { CREDENTIALS_V2_CONTEXT_URL } from '@vneid/core';
import { disclosableFieldsFor, getCredentialType, listCredentialTypes } from '@vneid/schemas';
import { HOLDER_PROOF_ALGS } from './jose-callbacks.js';

/** The endpoints of the OpenID4VCI service, all under the issuer's base URL. */
export interface Oid4vciEndpoints {
  /** The credential issuer identifier: the base URL without a trailing slash. */
  credentialIssuer: string;
  token: string;
  credential: string;
  nonce: string;
  jwks: string;
  /** Prefix of `credential_offer_uri`s (`…/oid4vci/offers/<id>`). */
  offers: string;
}

/** The endpoint URLs for an issuer base URL (`http://127.0.0.1:8080/` → `http://127.0.0.1:8080/oid4vci/token` …). */
export function oid4vciEndpoints(baseUrl: string): Oid4vciEndpoints {
  const credentialIssuer = baseUrl.replace(/\/+$/, '');
  return {
    credentialIssuer,
    token: `${credentialIssuer}/oid4vci/token`,
    credential: `${credentialIssuer}/oid4vci/credential`,
    nonce: `${credentialIssuer}/oid4vci/nonce`,
    jwks: `${credentialIssuer}/oid4vci/jwks`,
    offers: `${credentialIssuer}/oid4vci/offers/`,
  };
}

const SUITES = ['ecdsa-sd-2023', 'eddsa-rdfc-2022', 'ecdsa-rdfc-2019'];

/**
 * One `ldp_vc` credential configuration per registered citizen document,
 * keyed by its type name, with the document's and each disclosable field's
 * name in Vietnamese and English (OpenID4VCI 1.0 §12.2.4, Appendix A.1.2).
 */
function credentialConfigurations(): CredentialIssuerMetadata['credential_configurations_supported'] {
  const configurations: CredentialIssuerMetadata['credential_configurations_supported'] = {};
  for (const { type } of listCredentialTypes()) {
    const definition = getCredentialType(type);
    const claims = disclosableFieldsFor(type).map((field) => {
      const label = definition.labels.fields[`/${field}`];
      return {
        path: ['credentialSubject', field],
        ...(label
          ? {
              display: [
                { name: label.vi, locale: 'vi-VN' },
                { name: label.en, locale: 'en-US' },
              ],
            }
          : {}),
      };
    });
    configurations[type] = {
      format: 'ldp_vc',
      scope: type,
      cryptographic_binding_methods_supported: ['did:key'],
      credential_signing_alg_values_supported: SUITES,
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...HOLDER_PROOF_ALGS] } },
      credential_definition: {
        '@context': [CREDENTIALS_V2_CONTEXT_URL, definition.contextUrl],
        type: ['VerifiableCredential', type],
      },
      credential_metadata: {
        display: [
          { name: definition.labels.type.vi, locale: 'vi-VN' },
          { name: definition.labels.type.en, locale: 'en-US' },
        ],
        claims,
      },
    };
  }
  return configurations;
}

/** The credential issuer metadata and the authorisation server metadata (the issuer is its own AS). */
export interface Oid4vciMetadata {
  credentialIssuer: CredentialIssuerMetadata;
  authorizationServer: AuthorizationServerMetadata;
  /** The form @openid4vc's issuer functions take. */
  result: IssuerMetadataResult;
}

/**
 * Builds and validates (through the library's schemas) the metadata served at
 * `/.well-known/openid-credential-issuer` and
 * `/.well-known/oauth-authorization-server`.
 */
export function buildOid4vciMetadata(endpoints: Oid4vciEndpoints): Oid4vciMetadata {
  const vci = new Openid4vciIssuer({ callbacks: {} as never });
  const credentialIssuer = vci.createCredentialIssuerMetadata({
    credential_issuer: endpoints.credentialIssuer,
    credential_endpoint: endpoints.credential,
    nonce_endpoint: endpoints.nonce,
    display: [
      { name: 'VNeID — Cấp giấy tờ số', locale: 'vi-VN' },
      { name: 'VNeID — Digital document issuance', locale: 'en-US' },
    ],
    credential_configurations_supported: credentialConfigurations(),
  });
  const authorizationServer: AuthorizationServerMetadata = {
    issuer: endpoints.credentialIssuer,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:pre-authorized_code'],
    'pre-authorized_grant_anonymous_access_supported': true,
  };
  return {
    credentialIssuer,
    authorizationServer,
    result: {
      originalDraftVersion: Openid4vciVersion.V1,
      credentialIssuer,
      authorizationServers: [authorizationServer],
      knownCredentialConfigurations: vci.getKnownCredentialConfigurationsSupported(credentialIssuer),
    },
  };
}
