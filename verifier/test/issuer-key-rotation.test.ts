// Key rotation as verifiers see it, with the real issuer: replicas whose clocks differ (within
// the tolerated skew) on one PostgreSQL, and staged rotations whose new key is published in a
// trust bundle before it signs anything.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type JsonObject, type KeyPair } from '@vneid/core';
import { createIssuer, type Issuer, statusListIndex } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import { MINISTRIES } from '../../issuer/test/helpers/setup.js';
import {
  createTrustBundle,
  type FetchLike,
  type LoadedTrustBundle,
  loadTrustBundle,
  openStatusCache,
  type StatusCache,
  signTrustBundle,
  syncStatus,
  verifyCredential,
} from '../src/index.js';

const PASSPHRASE = 'key rotation test passphrase';
const BASE_URL = 'http://127.0.0.1:8080';
// Not on a whole second: the windows are in whole seconds, the clocks are not.
const T0 = Date.parse('2026-06-01T08:00:00.400Z');

let server: TestPostgres | undefined;
let anchor: KeyPair;
let holder: string;

test.before(async () => {
  server = await startTestPostgres();
  anchor = await generateKeyPair({
    keyType: 'Ed25519',
    controller: 'did:web:vneid.gov.vn',
    id: 'did:web:vneid.gov.vn#anchor',
  });
  holder = (await generateKeyPair({ keyType: 'Ed25519' })).controller;
});
test.after.always(async () => {
  await server?.close();
});

interface Replica {
  issuer: Issuer;
  clock: { ms: number };
}

/** Issuer replicas on one fresh PostgreSQL database, each with its own clock (ms offset from T0). */
async function replicas(t: ExecutionContext, offsets: number[]): Promise<Replica[]> {
  const url = await (server as TestPostgres).createDatabase();
  const out: Replica[] = [];
  for (const offset of offsets) {
    const clock = { ms: T0 + offset };
    const issuer = await createIssuer({
      databaseUrl: url,
      passphrase: PASSPHRASE,
      baseUrl: BASE_URL,
      now: () => new Date(clock.ms),
    });
    t.teardown(() => issuer.close());
    out.push({ issuer, clock });
  }
  // Each replica adds it (the first creates it, the others find it): that is how replicas join.
  for (const r of out) await r.issuer.addMinistry(MINISTRIES.bca);
  return out;
}

function advance(all: Replica[], ms: number): void {
  for (const r of all) r.clock.ms += ms;
}

const request = () => ({
  ministry: 'bo-cong-an',
  type: 'DrivingLicence',
  subject: structuredClone(fixtures.DrivingLicence) as never,
  holder,
  suite: 'ecdsa-rdfc-2019' as const,
});

interface Verifier {
  bundle: LoadedTrustBundle;
  cache: StatusCache;
}

/** A trust bundle signed now from `issuer`'s entries, loaded, and the status lists synced from `lists`. */
async function verifierOf(
  t: ExecutionContext,
  issuer: Issuer,
  now: Date,
  lists: Issuer = issuer,
  version = 1,
): Promise<Verifier & { synced: Awaited<ReturnType<typeof syncStatus>> }> {
  const signed = await signTrustBundle(
    createTrustBundle({
      version,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 30 * 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  );
  const bundle = await loadTrustBundle(signed, { anchorKey: anchor.publicKeyMultibase, now });
  await knowsLists(lists, issuer);
  const dir = await mkdtemp(join(tmpdir(), 'vneid-rotation-'));
  const cache = await openStatusCache({ path: join(dir, 'status') });
  t.teardown(async () => {
    await cache.close();
    await rm(dir, { recursive: true, force: true });
  });
  const synced = await sync({ bundle, cache }, lists, now);
  return { bundle, cache, synced };
}

/** Waits until `replica` lists what `other` does: other replicas' lists reach its cache within a second. */
async function knowsLists(replica: Issuer, other: Issuer): Promise<void> {
  const want = other.statusListIds().join();
  for (let i = 0; i < 100 && replica.statusListIds().join() !== want; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fetches every list from `lists` (as a verifier online for a moment would) into the verifier's cache. */
function sync(v: Verifier, lists: Issuer, now: Date) {
  const fetch: FetchLike = async (url) =>
    new Response(
      JSON.stringify(
        url.endsWith('/') ? await statusListIndex(lists) : await lists.getStatusListCredential(url.split('/').pop()!),
      ),
      { status: 200 },
    );
  return syncStatus(v.bundle, { cache: v.cache, now, fetch });
}

function verify(v: Verifier, vc: JsonObject, now: Date) {
  return verifyCredential(vc, { bundle: v.bundle, statusCache: v.cache, now });
}

function keyOf(signed: JsonObject): string {
  return (signed.proof as { verificationMethod: string }).verificationMethod;
}

function codesOf(result: Awaited<ReturnType<typeof verifyCredential>>): string[] {
  return result.errors.map((e) => e.code);
}

test('a replica 2 s behind issues at once after a rotation on the other: its credential and status lists verify', async (t) => {
  const [fast, slow] = await replicas(t, [2_000, 0]);
  const old = fast!.issuer.getMinistry('bo-cong-an').keys[0]!;
  const rotated = await fast!.issuer.rotateKey('bo-cong-an');
  const vc = await slow!.issuer.issue(request());
  t.true([old.id, rotated.id].includes(keyOf(vc)));
  // The slow replica also signs the status lists the verifier syncs.
  const verifier = await verifierOf(t, fast!.issuer, new Date(fast!.clock.ms), slow!.issuer);
  t.true(verifier.synced.ok, JSON.stringify(verifier.synced.results));
  const result = await verify(verifier, vc, new Date(fast!.clock.ms));
  t.true(result.verified, JSON.stringify(result.errors));
  // Once its clock reaches the new key's window, the slow replica signs with the new key.
  advance([fast!, slow!], 3_000);
  const later = await slow!.issuer.issue(request());
  t.is(keyOf(later), rotated.id);
  t.true((await verify(verifier, later, new Date(fast!.clock.ms))).verified);
});

test('a replica 2 s ahead issues with the old key just before a rotation on the other: its credential still verifies', async (t) => {
  const [slow, fast] = await replicas(t, [0, 2_000]);
  const old = slow!.issuer.getMinistry('bo-cong-an').keys[0]!;
  const vc = await fast!.issuer.issue(request());
  t.is(keyOf(vc), old.id);
  await slow!.issuer.rotateKey('bo-cong-an');
  const verifier = await verifierOf(t, slow!.issuer, new Date(fast!.clock.ms), fast!.issuer);
  t.true(verifier.synced.ok, JSON.stringify(verifier.synced.results));
  const result = await verify(verifier, vc, new Date(fast!.clock.ms));
  t.true(result.verified, JSON.stringify(result.errors));
});

test('negative twin: a credential signed with the old key after its window ends (a clock 10 minutes ahead) is refused with KEY_NOT_VALID', async (t) => {
  const [normal, astray] = await replicas(t, [0, 600_000]);
  const old = normal!.issuer.getMinistry('bo-cong-an').keys[0]!;
  const vc = await astray!.issuer.issue(request());
  t.is(keyOf(vc), old.id);
  await normal!.issuer.rotateKey('bo-cong-an');
  const verifier = await verifierOf(t, normal!.issuer, new Date(astray!.clock.ms));
  const result = await verify(verifier, vc, new Date(astray!.clock.ms));
  t.false(result.verified);
  t.true(codesOf(result).includes('KEY_NOT_VALID'), JSON.stringify(result.errors));
});

test('a staged rotation: the new key is in a bundle made now; until activateAt the old key signs credentials and lists that verify with the old bundle; after it the new key signs', async (t) => {
  const [only] = await replicas(t, [0]);
  const issuer = only!.issuer;
  const oldBundle = await verifierOf(t, issuer, new Date(only!.clock.ms));
  const old = issuer.getMinistry('bo-cong-an').keys[0]!;
  const activateAt = new Date('2026-06-01T09:00:00Z');
  const staged = await issuer.rotateKey('bo-cong-an', 'P-256', { activateAt });
  t.is(staged.validFrom, '2026-06-01T09:00:00Z');

  // A bundle made now names both keys, with the switch in their windows.
  const entry = issuer.trustBundleIssuers().find((i) => i.id === issuer.getMinistry('bo-cong-an').did)!;
  t.deepEqual(
    entry.verificationMethods.map((m) => m.id),
    [old.id, staged.id],
  );
  t.is(entry.verificationMethods[1]!.validFrom, '2026-06-01T09:00:00Z');
  t.true(Date.parse(entry.verificationMethods[0]!.validUntil!) > activateAt.getTime());

  // Until activateAt: the old key signs, and the old bundle verifies both the credential and its lists.
  advance([only!], 60_000);
  const before = await issuer.issue(request());
  t.is(keyOf(before), old.id);
  const revokedEarly = await issuer.issue(request());
  await issuer.revoke(revokedEarly.id as string);
  const now1 = new Date(only!.clock.ms);
  const synced = await sync(oldBundle, issuer, now1);
  t.true(synced.ok, JSON.stringify(synced.results));
  t.is(keyOf(await issuer.getStatusListCredential('bo-cong-an-revocation-1')), old.id);
  const ok = await verify(oldBundle, before, now1);
  t.true(ok.verified, JSON.stringify(ok.errors));
  t.true(codesOf(await verify(oldBundle, revokedEarly, now1)).includes('CREDENTIAL_REVOKED'));

  // After activateAt: the new key signs credentials and lists; a bundle naming it verifies them.
  only!.clock.ms = activateAt.getTime() + 1_000;
  const after = await issuer.issue(request());
  t.is(keyOf(after), staged.id);
  await issuer.revoke(before.id as string);
  t.is(keyOf(await issuer.getStatusListCredential('bo-cong-an-revocation-1')), staged.id);
  const now2 = new Date(only!.clock.ms);
  const newBundle = await verifierOf(t, issuer, now2, issuer, 2);
  t.true(newBundle.synced.ok, JSON.stringify(newBundle.synced.results));
  t.true((await verify(newBundle, after, now2)).verified);
  t.true(codesOf(await verify(newBundle, before, now2)).includes('CREDENTIAL_REVOKED'));
  // Negative twin: the old bundle does not know the new key, so what it signs is refused there.
  const refused = await verify(oldBundle, after, now2);
  t.false(refused.verified);
  t.true(codesOf(refused).includes('ISSUER_NOT_TRUSTED'), JSON.stringify(refused.errors));
});
