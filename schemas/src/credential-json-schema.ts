import { lookup } from './registry.js';

const CREDENTIALS_V2 = 'https://www.w3.org/ns/credentials/v2';

/**
 * The JSON Schema 2020-12 of a whole credential of this type, to publish at
 * its `schemaUrl` (VC JSON Schema §3.1 `JsonSchema`): the envelope is left open
 * for proofs and status, `credentialSubject` is closed by the subject schema.
 *
 * @example
 * const schema = credentialJsonSchema('HealthInsuranceCard'); schema.$id === credentialSchemaFor('HealthInsuranceCard').id
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function credentialJsonSchema(type: string): { $schema: string; $id: string } & Record<string, unknown> {
  const { definition } = lookup(type);
  const url = { type: 'string', maxLength: 2048 };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: definition.schemaUrl,
    title: `${definition.labels.type.en} (${definition.labels.type.vi})`,
    type: 'object',
    required: ['@context', 'type', 'issuer', 'credentialSubject'],
    properties: {
      '@context': {
        type: 'array',
        minItems: 2,
        maxItems: 16,
        items: { anyOf: [url, { type: 'object' }] },
        allOf: [{ contains: { const: CREDENTIALS_V2 } }, { contains: { const: definition.contextUrl } }],
      },
      type: {
        type: 'array',
        minItems: 2,
        maxItems: 8,
        items: { type: 'string', maxLength: 128 },
        allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { const: definition.type } }],
      },
      issuer: {
        anyOf: [url, { type: 'object', required: ['id'], properties: { id: url } }],
      },
      validFrom: { type: 'string', format: 'date-time', maxLength: 64 },
      validUntil: { type: 'string', format: 'date-time', maxLength: 64 },
      credentialSubject: definition.subjectSchema,
    },
  };
}
