/**
 * The CBOR-LD type table shared by every VNeID encoder (the wallet) and
 * decoder (the officer's device, the browser verifier page). A wire format:
 * codes never change and are never reused; new URLs are appended. Context
 * URLs are plain strings here (not imported from @vneid/schemas) so that the
 * codec stays in @vneid/core and data still flows one way; a test in
 * @vneid/schemas' consumers checks that every registered type's context and
 * schema URL is in the table.
 */

/** Our registry entry id in the CBOR-LD header (private to VNeID, not in the public CBOR-LD registry). */
export const VNEID_CBORLD_REGISTRY_ENTRY_ID = 22_001;

/** Append only. Codes start at 0x8000, above CBOR-LD's own term ids. */
const STRINGS: readonly string[] = [
  'https://www.w3.org/ns/credentials/v2',
  'https://w3id.org/security/data-integrity/v2',
  'https://w3id.org/security/multikey/v1',
  'https://www.w3.org/ns/credentials/status/v1',
  'https://vneid.gov.vn/credentials/citizen-identity-card/v1',
  'https://vneid.gov.vn/credentials/driving-licence/v1',
  'https://vneid.gov.vn/credentials/university-degree/v1',
  'https://vneid.gov.vn/credentials/health-insurance-card/v1',
  'https://vneid.gov.vn/credentials/age-attestation/v1',
  'https://vneid.gov.vn/credentials/citizen-identity-card/schema/v1.json',
  'https://vneid.gov.vn/credentials/driving-licence/schema/v1.json',
  'https://vneid.gov.vn/credentials/university-degree/schema/v1.json',
  'https://vneid.gov.vn/credentials/health-insurance-card/schema/v1.json',
  'https://vneid.gov.vn/credentials/age-attestation/schema/v1.json',
];

const CRYPTOSUITES = new Map([
  ['ecdsa-rdfc-2019', 1],
  ['ecdsa-sd-2023', 2],
  ['eddsa-rdfc-2022', 3],
]);

/** Every string the table compresses (context and URL values). */
export function cborldTableStrings(): string[] {
  return [...STRINGS];
}

let table: Map<string, Map<string, number>> | undefined;

/** The `typeTableLoader` handed to @digitalbazaar/cborld: only our registry entry has a table. */
export async function vneidTypeTableLoader({
  registryEntryId,
}: {
  registryEntryId: number;
}): Promise<Map<string, Map<string, number>> | undefined> {
  if (registryEntryId !== VNEID_CBORLD_REGISTRY_ENTRY_ID) return undefined;
  if (!table) {
    const strings = new Map(STRINGS.map((s, i) => [s, 0x8000 + i]));
    table = new Map([
      ['context', strings],
      ['url', strings],
      ['none', new Map()],
      ['https://w3id.org/security#cryptosuiteString', CRYPTOSUITES],
    ]);
  }
  return table;
}
