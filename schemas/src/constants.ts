/** The single host every VNeID URL and IRI is derived from. */
export const VNEID_HOST = 'https://vneid.gov.vn' as const;

/**
 * Base of every VNeID credential URL: contexts live at
 * `${VNEID_CONTEXT_BASE}<kebab-type>/v1` and JSON Schemas at
 * `${VNEID_CONTEXT_BASE}<kebab-type>/schema/v1.json`.
 *
 * @example
 * `${VNEID_CONTEXT_BASE}citizen-identity-card/v1` // the Thẻ căn cước context
 */
export const VNEID_CONTEXT_BASE = `${VNEID_HOST}/credentials/` as const;

/**
 * Base of the shared VNeID vocabulary: the term `fullName` is the IRI
 * `${VNEID_VOCAB_BASE}fullName` in every context, so one field means one thing
 * across all document types.
 *
 * @example
 * `${VNEID_VOCAB_BASE}personalIdentificationNumber`
 */
export const VNEID_VOCAB_BASE = `${VNEID_HOST}/vocab#` as const;

/**
 * The context and schema URLs of a credential type, derived from its name
 * (`CitizenIdentityCard` → `…/credentials/citizen-identity-card/v1`). Use it to
 * build the URLs of a new type's {@link CredentialTypeDefinition}.
 *
 * @example
 * credentialTypeUrls('DrivingLicence').contextUrl // 'https://vneid.gov.vn/credentials/driving-licence/v1'
 * @throws TypeError when `type` is not a PascalCase name.
 */
export function credentialTypeUrls(type: string): { contextUrl: string; schemaUrl: string } {
  if (typeof type !== 'string' || !/^[A-Z][A-Za-z0-9]{0,63}$/.test(type)) {
    throw new TypeError('credential type must be a PascalCase name of at most 64 characters');
  }
  const kebab = type.replace(/(?<=[a-z0-9])([A-Z])/g, '-$1').toLowerCase();
  return {
    contextUrl: `${VNEID_CONTEXT_BASE}${kebab}/v1`,
    schemaUrl: `${VNEID_CONTEXT_BASE}${kebab}/schema/v1.json`,
  };
}
