import { CREDENTIALS_V2_CONTEXT_URL } from './contexts.js';
import type { JsonObject } from './sign-credential.js';
import { type BitstringStatusList, encodeStatusList, type StatusPurpose } from './status-list.js';

/**
 * An unsigned BitstringStatusListCredential for `list`, ready to be signed
 * by the issuer's current key.
 *
 * @see https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential
 */
export async function createStatusListCredential(options: {
  id: string;
  issuer: string;
  statusPurpose: StatusPurpose;
  list: BitstringStatusList;
  validFrom: Date;
  validUntil?: Date;
}): Promise<JsonObject> {
  const credential: JsonObject = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL],
    id: options.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuer,
    validFrom: options.validFrom.toISOString(),
    credentialSubject: {
      id: `${options.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.statusPurpose,
      encodedList: await encodeStatusList(options.list),
    },
  };
  if (options.validUntil) credential.validUntil = options.validUntil.toISOString();
  return credential;
}
