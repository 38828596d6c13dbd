import type { JsonObject } from '@vneid/core';
import type { IssuerContext } from './lib/context.js';
import { currentSignedList } from './lib/status-lists.js';

/**
 * The current signed BitstringStatusListCredential of a list. It is
 * re-signed on every status change and, on read, once past half of its
 * validity (option `statusListValidity`), so a served copy is never close
 * to expiry.
 *
 * @example
 * const slc = await issuer.getStatusListCredential('bo-cong-an-revocation-1');
 * @throws {VneidError} UNKNOWN_STATUS_LIST
 * @see https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential
 */
export async function getStatusListCredential(ctx: IssuerContext, listId: string): Promise<JsonObject> {
  return (await currentSignedList(ctx, listId)).credential;
}
