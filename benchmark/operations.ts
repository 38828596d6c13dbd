// The single-operation figures: for each, what we run, the plain-library
// baseline on the same input and the raw primitive it is compared with.
import {
  type CryptosuiteName,
  decodeStatusList,
  deriveCredential,
  type JsonObject,
  parseStatusListIndex,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import { signCredentialWithLibrary, verifyCredentialProofWithLibrary } from '@vneid/core/testing';
import { fixtures } from '@vneid/schemas';
import { CHECK_NAMES, verifyCredential, verifyPresentation } from '@vneid/verifier';
import { citizenCard, cycle, type Input, SELECTIVE_POINTERS, TYPE } from './input.js';
import {
  checkStatusWithLibrary,
  deriveWithLibrary,
  presentWithLibrary,
  verifyPresentationWithLibrary,
  verifyWithStatusWithLibrary,
} from './library.js';
import type { TaskFn } from './measure.js';
import type { RawName } from './raw.js';
import { MINISTRY, type World } from './world.js';

export interface Operation {
  key: string;
  name: string;
  ours: TaskFn;
  library?: { label: string; fn: TaskFn };
  raw: RawName;
  notes?: string[];
}

const SUITE_KEY: Record<CryptosuiteName, string> = {
  'eddsa-rdfc-2022': 'eddsa',
  'ecdsa-rdfc-2019': 'ecdsa-rdfc',
  'ecdsa-sd-2023': 'sd',
  'eddsa-jcs-2022': 'eddsa-jcs',
};

function proofOk(result: { verified: boolean; error?: { message: string } }, what: string): void {
  if (!result.verified) throw new Error(`${what} did not verify: ${result.error?.message}`);
}

/** Issue and verify figures of one rdfc suite on the standalone did:key input. */
function rdfcPair(input: Input, cryptosuite: 'eddsa-rdfc-2022' | 'ecdsa-rdfc-2019'): Operation[] {
  const key = cryptosuite === 'eddsa-rdfc-2022' ? input.ed25519 : input.p256;
  const curve = cryptosuite === 'eddsa-rdfc-2022' ? 'Ed25519' : 'P-256';
  const { documentLoader } = input;
  const options = () => ({ credential: citizenCard(key.controller), key, cryptosuite, documentLoader });
  const ours = cycle(input.signed[cryptosuite]);
  const theirs = cycle(input.signed[cryptosuite]);
  return [
    {
      key: `issue.${SUITE_KEY[cryptosuite]}`,
      name: `issue ${cryptosuite} (signCredential)`,
      ours: () => signCredential(options()),
      library: { label: 'signCredentialWithLibrary', fn: () => signCredentialWithLibrary(options()) },
      raw: `${curve} sign`,
    },
    {
      key: `verify.${SUITE_KEY[cryptosuite]}`,
      name: `verify ${cryptosuite} (verifyCredentialProof)`,
      ours: async () => proofOk(await verifyCredentialProof({ credential: ours(), documentLoader }), 'ours'),
      library: {
        label: 'verifyCredentialProofWithLibrary',
        fn: async () =>
          proofOk(await verifyCredentialProofWithLibrary({ credential: theirs(), documentLoader }), 'lib'),
      },
      raw: `${curve} verify`,
    },
  ];
}

/** ecdsa-sd-2023: base proof, a 2-of-11 derivation, verification of the derived credential. */
function selectiveDisclosure(input: Input): Operation[] {
  const { documentLoader, p256: key, mandatoryPointers } = input;
  const options = () => ({
    credential: citizenCard(key.controller),
    key,
    cryptosuite: 'ecdsa-sd-2023' as const,
    documentLoader,
    mandatoryPointers,
  });
  const bases = cycle(input.signed['ecdsa-sd-2023']);
  const derivedOurs = cycle(input.derived);
  const derivedTheirs = cycle(input.derived);
  return [
    {
      key: 'issue.sd',
      name: 'issue ecdsa-sd-2023 base proof (signCredential)',
      ours: () => signCredential(options()),
      library: { label: 'signCredentialWithLibrary', fn: () => signCredentialWithLibrary(options()) },
      raw: 'P-256 sign',
    },
    {
      key: 'derive.sd',
      name: 'derive 2 of 11 claims, ecdsa-sd-2023 (deriveCredential)',
      ours: () => deriveCredential({ credential: bases(), selectivePointers: SELECTIVE_POINTERS, documentLoader }),
      library: {
        label: 'vc.derive + disclose cryptosuite',
        fn: () => deriveWithLibrary(bases(), SELECTIVE_POINTERS, documentLoader),
      },
      raw: 'P-256 sign',
      notes: ['deriving signs nothing; the raw column is one P-256 signature for scale'],
    },
    {
      key: 'verify.sd-derived',
      name: 'verify derived ecdsa-sd-2023 (verifyCredentialProof)',
      ours: async () => proofOk(await verifyCredentialProof({ credential: derivedOurs(), documentLoader }), 'ours'),
      library: {
        label: 'verifyCredentialProofWithLibrary',
        fn: async () =>
          proofOk(await verifyCredentialProofWithLibrary({ credential: derivedTheirs(), documentLoader }), 'lib'),
      },
      raw: 'P-256 verify',
    },
  ];
}

/** The verifier product path, with and without status, and the status lookup alone. */
function verifierPaths(world: World): Operation[] {
  const { bundle, statusCache, now, statusLists, documentLoader } = world;
  const ours = cycle(world.issuedEddsa);
  const theirs = cycle(world.issuedEddsa);
  const withoutStatus = CHECK_NAMES.filter((c) => c !== 'revocation' && c !== 'suspension');
  const verified = (report: { verified: boolean; errors: unknown[] }) => {
    if (!report.verified)
      throw new Error(`verifier refused the benchmark credential: ${JSON.stringify(report.errors)}`);
  };
  const lookups = cycle(world.issuedEddsa);
  const libraryLookups = cycle(world.issuedEddsa);
  return [
    {
      key: 'verify-status.eddsa',
      name: 'verify + status: verifier verifyCredential, every check, synced cache (issued eddsa-rdfc-2022 card)',
      ours: async () => verified(await verifyCredential(ours(), { bundle, statusCache, now })),
      library: {
        label: 'library verify + verify both status list VCs + decode',
        fn: () => verifyWithStatusWithLibrary(theirs(), statusLists, documentLoader),
      },
      raw: 'Ed25519 verify',
      notes: [
        'ours also checks contexts, mandatory claims, trust bundle, authority, key window, dates and schema',
        'the library baseline gets its status list credentials from memory (no fetch cost)',
      ],
    },
    {
      key: 'verify-nostatus.eddsa',
      name: 'verify, no status: verifyCredential with revocation and suspension skipped',
      ours: async () => verified(await verifyCredential(ours(), { bundle, statusCache, now, checks: withoutStatus })),
      library: {
        label: 'verifyCredentialProofWithLibrary',
        fn: async () =>
          proofOk(await verifyCredentialProofWithLibrary({ credential: theirs(), documentLoader }), 'lib'),
      },
      raw: 'Ed25519 verify',
    },
    {
      key: 'status.lookup',
      name: 'status lookup, 2 purposes: StatusCache.get + decodeStatusList + bit',
      ours: async () => {
        for (const entry of [lookups().credentialStatus].flat() as JsonObject[]) {
          const held = await statusCache.get(entry.statusListCredential as string);
          if (!held) throw new Error('status list missing from the cache');
          const list = decodeStatusList(held.encodedList);
          if (list.getStatus(parseStatusListIndex(entry.statusListIndex, list.length))) throw new Error('bit set');
        }
      },
      library: {
        label: 'library status check (verify list VC + decode)',
        fn: () => checkStatusWithLibrary(libraryLookups(), statusLists, documentLoader),
      },
      raw: 'P-256 verify',
      notes: [
        'decodes on every lookup; verifyCredential itself keeps recently decoded lists (see the no-status row)',
        'raw: the status lists are signed ecdsa-rdfc-2019, whose verification the library repeats per credential',
      ],
    },
  ];
}

/**
 * `issuer.issue()` in the calling thread (the world's issuer has no signing
 * workers): what an agency importing the library gets. It validates,
 * allocates two status indexes and writes synced to LevelDB, against the
 * library signing the same card alone.
 */
function inThreadIssuance(input: Input, world: World): Operation[] {
  const subject = { ...fixtures[TYPE] };
  const row = (suite: 'eddsa-rdfc-2022' | 'ecdsa-sd-2023'): Operation => {
    const key = suite === 'eddsa-rdfc-2022' ? input.ed25519 : input.p256;
    const { documentLoader, mandatoryPointers } = input;
    return {
      key: `issue-in-thread.${SUITE_KEY[suite]}`,
      name: `issuer.issue() in the calling thread, ${suite} (validate, allocate, sign, synced write)`,
      ours: () => world.issuer.issue({ ministry: MINISTRY, type: TYPE, subject, suite }),
      library: {
        label: 'signCredentialWithLibrary (signing alone)',
        fn: () =>
          signCredentialWithLibrary({
            credential: citizenCard(key.controller),
            key,
            cryptosuite: suite,
            documentLoader,
            ...(suite === 'ecdsa-sd-2023' ? { mandatoryPointers } : {}),
          }),
      },
      raw: suite === 'eddsa-rdfc-2022' ? 'Ed25519 sign' : 'P-256 sign',
      notes: ['ours also validates the subject, allocates revocation and suspension indexes and syncs to disk'],
    };
  };
  return [row('eddsa-rdfc-2022'), row('ecdsa-sd-2023')];
}

/** The wallet answering a request and the verifier checking the answer. */
function presentationPaths(world: World): Operation[] {
  const { request, bundle, statusCache, now, statusLists, documentLoader } = world;
  const challenge = request.challenge as string;
  const domain = request.domain as string;
  // The pool's presentations answer one request (one challenge): replay protection is off here, as the
  // library has none; the record of a used challenge is one in-memory set insert.
  const verifyOptions = { challenge, domain, request, bundle, statusCache, now, allowReplay: true };
  const ours = cycle(world.presentations);
  const theirs = cycle(world.presentations);
  const hostile = {
    ...world.presentations[0],
    verifiableCredential: [{ credentialSubject: { fullName: new Array(20_000).fill({ part: 'x' }) } }],
  };
  return [
    {
      key: 'present',
      name: 'wallet.present, 2 fields (decrypt, derive, sign the presentation, log)',
      ours: async () => world.wallet.present(request, (await world.wallet.preview(request)).consent),
      library: {
        label: 'vc.derive + vc.signPresentation (no store, no log)',
        fn: () =>
          presentWithLibrary({
            credential: world.walletCard,
            selectivePointers: SELECTIVE_POINTERS,
            holderKey: world.standInHolder,
            challenge,
            domain,
            documentLoader,
          }),
      },
      raw: 'Ed25519 sign',
    },
    {
      key: 'verify-presentation',
      name: 'verifier verifyPresentation, every check, offline',
      ours: async () => {
        const report = await verifyPresentation(ours(), verifyOptions);
        if (!report.verified) throw new Error(`presentation refused: ${JSON.stringify(report.errors)}`);
      },
      library: {
        label: 'vc.verify + library status check',
        fn: () =>
          verifyPresentationWithLibrary({ presentation: theirs(), challenge, domain, statusLists, documentLoader }),
      },
      raw: 'P-256 verify',
    },
    {
      key: 'refuse-hostile',
      name: 'verifier refuses a presentation carrying a 20,000-entry array',
      ours: async () => {
        const report = await verifyPresentation(hostile, verifyOptions);
        if (report.verified) throw new Error('hostile input verified');
      },
      raw: 'Ed25519 verify',
      notes: ['no library baseline: jsonld alone spends seconds on this input'],
    },
  ];
}

/** Every single-operation figure, in report order. */
export function operations(input: Input, world: World): Operation[] {
  return [
    ...rdfcPair(input, 'eddsa-rdfc-2022'),
    ...verifierPaths(world),
    ...rdfcPair(input, 'ecdsa-rdfc-2019'),
    ...selectiveDisclosure(input),
    ...inThreadIssuance(input, world),
    ...presentationPaths(world),
  ];
}
