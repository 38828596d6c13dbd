import { randomInt, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  type BitstringStatusList,
  type CryptosuiteName,
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  createStatusList,
  createStatusListCredential,
  type DidDocument,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  MANDATORY_POINTERS,
  MIN_STATUS_LIST_LENGTH,
  type OfflineDidResolver,
  type StatusPurpose,
  signCredential,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';

/**
 * A test issuer: a P-256 key (ecdsa-sd-2023 and ecdsa-rdfc-2019) or an Ed25519
 * key (eddsa-rdfc-2022), controlled by a did:key or by a did:web whose DID
 * document the wallet's offline resolver is given. It also keeps one
 * revocation and one suspension status list and signs them on demand.
 * Test-only: never reachable from the package's sources.
 */
export interface TestIssuer {
  did: string;
  key: KeyPair;
  /** Holds the issuer's did:web document (and resolves any did:key). */
  resolver: OfflineDidResolver;
  didDocument?: DidDocument;
  listUrl(purpose: StatusPurpose): string;
  issue(options: IssueOptions): Promise<JsonObject>;
  /** Sets (or clears) a status bit of a credential this issuer signed. */
  setStatus(credential: JsonObject, purpose: StatusPurpose, value: boolean): void;
  /** The signed status list credential of `purpose`, as it is now. */
  statusListCredential(purpose: StatusPurpose, options?: { validFrom?: Date; length?: number }): Promise<JsonObject>;
}

export interface IssueOptions {
  type: 'CitizenIdentityCard' | 'DrivingLicence' | 'UniversityDegree' | 'HealthInsuranceCard';
  holder: string;
  subject?: Record<string, unknown>;
  cryptosuite?: CryptosuiteName;
  validFrom?: string;
  validUntil?: string;
  withStatus?: boolean;
}

const contexts = registeredContexts() as Map<string, Record<string, unknown>>;

export async function createTestIssuer(
  options: { keyType?: 'P-256' | 'Ed25519'; didWeb?: string; listBase?: string } = {},
): Promise<TestIssuer> {
  const keyType = options.keyType ?? 'P-256';
  let key: KeyPair;
  let didDocument: DidDocument | undefined;
  if (options.didWeb) {
    const did = `did:web:${options.didWeb}`;
    key = await generateKeyPair({ keyType, controller: did, id: `${did}#key-1` });
    didDocument = createDidDocument({
      did,
      verificationMethods: [{ id: key.id, publicKeyMultibase: key.publicKeyMultibase }],
    });
  } else {
    key = await generateKeyPair({ keyType });
  }
  const did = key.controller;
  const resolver = createOfflineDidResolver({ documents: didDocument ? [didDocument] : [] });
  const documentLoader = createDocumentLoader({ contexts, resolver });
  const listBase = options.listBase ?? `https://status.vneid.example/${randomUUID()}`;
  const lists = { revocation: createStatusList(), suspension: createStatusList() };
  const listUrl = (purpose: StatusPurpose) => `${listBase}/${purpose}`;
  const used = new Set<number>();
  const listCryptosuite: CryptosuiteName = keyType === 'P-256' ? 'ecdsa-rdfc-2019' : 'eddsa-rdfc-2022';

  return {
    did,
    key,
    resolver,
    ...(didDocument ? { didDocument } : {}),
    listUrl,
    async issue(o) {
      const def = getCredentialType(o.type);
      // Random indexes, as a real issuer allocates them (sequential ones leak issuance order).
      let index = randomInt(MIN_STATUS_LIST_LENGTH);
      while (used.has(index)) index = randomInt(MIN_STATUS_LIST_LENGTH);
      used.add(index);
      const credential: JsonObject = {
        '@context': ['https://www.w3.org/ns/credentials/v2', def.contextUrl],
        id: `urn:uuid:${randomUUID()}`,
        type: ['VerifiableCredential', o.type],
        issuer: did,
        validFrom: o.validFrom ?? '2025-01-01T00:00:00Z',
        validUntil: o.validUntil ?? '2036-01-01T00:00:00Z',
        credentialSchema: credentialSchemaFor(o.type),
        credentialSubject: { id: o.holder, ...structuredClone(o.subject ?? fixtures[o.type]) },
      };
      if (o.withStatus !== false) {
        credential.credentialStatus = (['revocation', 'suspension'] as const).map((purpose) => ({
          id: `${listUrl(purpose)}#${index}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: purpose,
          statusListIndex: String(index),
          statusListCredential: listUrl(purpose),
        }));
      }
      const cryptosuite = o.cryptosuite ?? (keyType === 'P-256' ? 'ecdsa-sd-2023' : 'eddsa-rdfc-2022');
      const mandatoryPointers =
        cryptosuite === 'ecdsa-sd-2023' ? MANDATORY_POINTERS.filter((p) => present(credential, p)) : undefined;
      return signCredential({
        credential,
        key,
        cryptosuite,
        documentLoader,
        now: new Date('2025-01-01T00:00:00Z'),
        ...(mandatoryPointers ? { mandatoryPointers } : {}),
      });
    },
    setStatus(credential, purpose, value) {
      const entries = credential.credentialStatus as Array<Record<string, string>>;
      const entry = entries.find((e) => e.statusPurpose === purpose)!;
      lists[purpose].setStatus(Number(entry.statusListIndex), value);
    },
    async statusListCredential(purpose, o = {}) {
      const validFrom = o.validFrom ?? new Date('2026-01-01T00:00:00Z');
      const unsigned = await createStatusListCredential({
        id: listUrl(purpose),
        issuer: did,
        statusPurpose: purpose,
        // `length` builds a (too short) list that createStatusList would refuse: for negative tests.
        list: o.length ? shortList(o.length) : lists[purpose],
        validFrom,
        validUntil: new Date(validFrom.getTime() + 365 * 86_400_000),
      });
      return signCredential({
        credential: unsigned,
        key,
        cryptosuite: listCryptosuite,
        documentLoader,
        now: validFrom,
      });
    },
  };
}

function present(document: JsonObject, pointer: string): boolean {
  let node: unknown = document;
  for (const segment of pointer.slice(1).split('/')) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

// A list of any length, which createStatusList refuses below the herd-privacy minimum: the
// encoding is the Bitstring Status List one (multibase base64url of the gzipped bits).
function shortList(length: number): BitstringStatusList {
  const bytes = new Uint8Array(Math.ceil(length / 8));
  return {
    length,
    setStatus(index, status) {
      const mask = 0x80 >> (index % 8);
      bytes[index >> 3] = status ? (bytes[index >> 3] ?? 0) | mask : (bytes[index >> 3] ?? 0) & ~mask;
    },
    getStatus: (index) => ((bytes[index >> 3] ?? 0) & (0x80 >> (index % 8))) !== 0,
    encode: async () => `u${gzipSync(bytes).toString('base64url')}`,
  };
}
