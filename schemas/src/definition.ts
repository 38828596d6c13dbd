import type { Violation } from './violation.js';

/** A UI language the labels are written in. */
export type Lang = 'vi' | 'en';

/** A text in Vietnamese (with diacritics) and English. */
export interface LocalizedText {
  vi: string;
  en: string;
}

/**
 * The role an issuer must hold to issue a type. Known roles are listed; any
 * other id may be used by a new type (the issuer's trust list decides who holds it).
 */
export type IssuerRole = 'MinistryOfPublicSecurity' | 'VietnamSocialSecurity' | 'AccreditedUniversity' | (string & {});

/** Display labels of a credential type. */
export interface CredentialTypeLabels {
  /** The document's name. */
  type: LocalizedText;
  /**
   * One label per schema property at every depth, keyed by JSON Pointer into
   * `credentialSubject` without array indices (`/licenceClasses/licenceClass`).
   */
  fields: Readonly<Record<string, LocalizedText>>;
  /** Labels of enumerated values: pointer → value → label (`/sex` → `female` → Nữ). */
  values?: Readonly<Record<string, Readonly<Record<string, LocalizedText>>>>;
}

/**
 * Everything the issuer, wallet and verifier need to know about one document
 * type. Types are data: registering a new definition with
 * {@link registerCredentialType} is all it takes to issue, hold and verify it.
 *
 * @example
 * registerCredentialType({ type: 'FishingLicence', ...credentialTypeUrls('FishingLicence'), context, subjectSchema, labels, issuerRole: 'MinistryOfAgriculture', fixture })
 */
export interface CredentialTypeDefinition<Subject = Record<string, unknown>> {
  /** PascalCase type name, also a term of {@link CredentialTypeDefinition.context}. */
  type: string;
  /** URL of the JSON-LD context (`${VNEID_CONTEXT_BASE}<kebab-type>/v1`). */
  contextUrl: string;
  /** The JSON-LD context document, `{ "@context": { "@protected": true, … } }`. */
  context: object;
  /** URL the credential JSON Schema is published at (`…/schema/v1.json`). */
  schemaUrl: string;
  /** JSON Schema 2020-12 of `credentialSubject`; `additionalProperties: false` at every depth. */
  subjectSchema: object;
  labels: CredentialTypeLabels;
  issuerRole: IssuerRole;
  /** A valid, synthetic example subject (no `id`). */
  fixture: Subject;
  /**
   * Semantic rules beyond JSON Schema. Called on every object subject, even one
   * that failed the schema, so it must read fields defensively and report only
   * what the schema cannot.
   */
  rules?(subject: Readonly<Record<string, unknown>>): Violation[];
  /** Top-level subject fields a wallet may disclose selectively; default: every schema property but `id`. */
  disclosableFields?: readonly string[];
  /**
   * Top-level subject date field at whose end the document itself expires
   * (`dateOfExpiry`, `coverageTo`). Issuers default `validUntil` to it, so
   * that an expired card does not outlive its paper twin as a credential.
   */
  expiryField?: string;
}
