// The one home of the ecdsa-sd-2023 proofValue headers (VC DI ECDSA §3.5.2,
// §3.5.7): CBOR tag 0xd95d00 opens a base proof, 0xd95d01 a derived one. As
// base64url multibase they begin `u2V0A` and `u2V0B`.

/** The bytes that open an ecdsa-sd-2023 base proofValue. */
export const SD_BASE_HEADER: readonly number[] = Object.freeze([0xd9, 0x5d, 0x00]);
/** The bytes that open an ecdsa-sd-2023 derived proofValue. */
export const SD_DERIVED_HEADER: readonly number[] = Object.freeze([0xd9, 0x5d, 0x01]);

// Three header bytes are four base64url characters exactly, so the prefix of the multibase text is fixed.
const prefix = (header: readonly number[]) => `u${Buffer.from(header).toString('base64url')}`;
/** `u2V0A`: the multibase text of every base proofValue starts with it. */
export const SD_BASE_PREFIX = prefix(SD_BASE_HEADER);
/** `u2V0B`: the multibase text of every derived proofValue starts with it. */
export const SD_DERIVED_PREFIX = prefix(SD_DERIVED_HEADER);
