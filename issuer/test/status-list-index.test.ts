// GET /status-lists/ at national scale (issue 11 §3): a police device learns from this one small
// answer which of ~3,052 lists changed. It used to read every list one by one and re-sign each due
// list inside the request: N storage reads per request, and once lists came due (they are signed
// together, so they come due together) one request signed them all, past the verifiers' 5 s
// timeout, and one list that failed to publish turned the whole index into a 503. These tests run
// on both engines (PostgreSQL: a real server started here) with hundreds of lists, made quickly by
// closing a list after one allocation (`maxAllocationsPerList: 1`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JsonObject, VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { type CreateIssuerOptions, openIssuer } from '../src/create-issuer.js';
import { createApp, type Issuer } from '../src/index.js';
import { REFRESH_CONCURRENCY } from '../src/lib/status-list-refresher.js';
import type { IssuerStorage, SignedList } from '../src/storage/contract.js';
import { StorageUnavailableError } from '../src/storage/errors.js';
import { holderDid, MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

type Engine = 'leveldb' | 'postgres';
const VALIDITY = 3600;
const REFRESH = 600;
const START = Date.parse('2026-06-01T08:00:00Z');

interface Index {
  type: string;
  issuers: Record<string, Record<string, string>>;
}

/** What the issuer did on its real storage: every asynchronous call, and each list published. */
interface Probe {
  reads: string[];
  /** Publications stored, in order: the list and the date of the stored copy. */
  published: Array<{ listId: string; signedAt: string }>;
  /** publishList calls entered and not yet finished. */
  publishing: number;
  mostPublishing: number;
  /** While set, publishList waits for it (the test holds the signer back). */
  hold?: Promise<void>;
  /** Lists whose publication fails as publishList does after its retries (STORAGE_UNAVAILABLE). */
  failing: Set<string>;
  /** While set, every publication fails as with the database unreachable. */
  unreachable?: boolean;
}

function probing(probe: Probe) {
  return (storage: IssuerStorage): IssuerStorage =>
    new Proxy(storage, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || typeof name !== 'string') return value;
        if (name === 'publishList') {
          return async (listId: string, signed: SignedList, version: number) => {
            probe.reads.push(name);
            probe.publishing += 1;
            probe.mostPublishing = Math.max(probe.mostPublishing, probe.publishing);
            try {
              await probe.hold;
              if (probe.unreachable) throw new StorageUnavailableError();
              if (probe.failing.has(listId)) {
                throw new VneidError('STORAGE_UNAVAILABLE', 'the status list changes too often to be published now', {
                  details: { listId, retryAfter: 1 },
                });
              }
              const stored = (await value.call(target, listId, signed, version)) as boolean;
              if (stored) probe.published.push({ listId, signedAt: signed.signedAt });
              return stored;
            } finally {
              probe.publishing -= 1;
            }
          };
        }
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          // The sync getters read caches the engine keeps; only calls that go to the store count.
          if (result instanceof Promise) probe.reads.push(name);
          return result;
        };
      },
    });
}

interface World {
  issuer: Issuer;
  probe: Probe;
  base: string;
  did: string;
  background: Array<{ listId: string; code: string | undefined }>;
  credentials: JsonObject[];
  step(ms: number): void;
  index(): Promise<Index>;
  /** Another replica on the same PostgreSQL database (postgres only). */
  replica(): Promise<Issuer>;
}

async function world(
  t: ExecutionContext,
  engine: Engine,
  options: { issuances?: number; cacheSeconds?: number; extra?: Partial<CreateIssuerOptions> } = {},
): Promise<World> {
  let clock = START;
  const now = () => new Date(clock);
  const probe: Probe = { reads: [], published: [], publishing: 0, mostPublishing: 0, failing: new Set() };
  const background: World['background'] = [];
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const dir = engine === 'leveldb' ? await tempDir() : undefined;
  const databaseUrl = engine === 'postgres' ? await (server as TestPostgres).createDatabase() : undefined;
  const settings: CreateIssuerOptions = {
    ...(dir ? { dataDir: dir } : { databaseUrl }),
    passphrase: PASSPHRASE,
    baseUrl: base,
    now,
    statusListValidity: VALIDITY,
    statusListRefresh: REFRESH,
    maxAllocationsPerList: 1,
    statusListIndexCacheSeconds: options.cacheSeconds ?? 0,
    onBackgroundError: (error, about) =>
      background.push({ listId: about.listId, code: error instanceof VneidError ? error.code : undefined }),
    ...options.extra,
  };
  const issuer = await openIssuer(settings, undefined, probing(probe));
  const others: Issuer[] = [];
  t.teardown(async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await issuer.close();
    for (const o of others) await o.close();
    if (dir) await removeDir(dir);
  });
  await issuer.addMinistry(MINISTRIES.bca);
  http.on('request', createApp({ issuer, apiKeys: [], logger: pino({ level: 'silent' }), now }));
  const holder = await holderDid();
  const credentials: JsonObject[] = [];
  for (let i = 0; i < (options.issuances ?? 0); i++) {
    credentials.push(
      await issuer.issue({
        ministry: 'bo-cong-an',
        type: 'DrivingLicence',
        subject: structuredClone(fixtures.DrivingLicence),
        holder,
        suite: 'eddsa-rdfc-2022',
      } as never),
    );
  }
  return {
    issuer,
    probe,
    base,
    did: issuer.getMinistry('bo-cong-an').did,
    background,
    credentials,
    step: (ms) => {
      clock += ms;
    },
    index: async () => {
      // A request that signs inside would wait on held signing: cut it off rather than hang.
      const res = await fetch(`${base}/status-lists/`, { signal: AbortSignal.timeout(20_000) });
      if (res.status !== 200) throw new Error(`index answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Index;
    },
    replica: async () => {
      const other = await openIssuer({ ...settings, onBackgroundError: () => undefined });
      others.push(other);
      return other;
    },
  };
}

/** Holds every publication back until the returned function is called. */
function hold(probe: Probe): () => void {
  let release!: () => void;
  probe.hold = new Promise((resolve) => {
    release = resolve;
  });
  return () => {
    probe.hold = undefined;
    release();
  };
}

/** Polls `done` (each poll may ask the service) until it holds, or fails the test after `ms`. */
async function until(t: ExecutionContext, what: string, done: () => Promise<boolean> | boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) t.fail(`timed out waiting until ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The latest stored copy's date of each list, from what the probe saw stored. */
function storedDates(probe: Probe): Map<string, string> {
  return new Map(probe.published.map((p) => [p.listId, p.signedAt]));
}

function listsOf(vc: JsonObject): string[] {
  return (vc.credentialStatus as Array<Record<string, string>>).map(
    (s) => (s.statusListCredential as string).split('/').pop() as string,
  );
}

function revocationListOf(vc: JsonObject): string {
  const entry = (vc.credentialStatus as Array<Record<string, string>>).find((s) => s.statusPurpose === 'revocation')!;
  return (entry.statusListCredential as string).split('/').pop() as string;
}

const ISSUANCES = 120; // 121 lists of each purpose

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: the index of ${2 * (ISSUANCES + 1)} lists is read in a bounded number of storage reads; past the refresh period it answers at once with the held copies while a bounded background refresher re-signs each due list once`, async (t) => {
    t.timeout(10 * 60_000);
    const w = await world(t, engine, { issuances: ISSUANCES });
    const ids = w.issuer.statusListIds('bo-cong-an');
    t.is(ids.length, 2 * (ISSUANCES + 1));

    // No list is published yet. The first index names them all at once, without signing
    // any inside the request (signing is held back); they are published in the background.
    let release = hold(w.probe);
    const first = await w.index();
    t.deepEqual(Object.keys(first.issuers[w.did] ?? {}).sort(), [...ids].sort());
    t.is(w.probe.published.length, 0);
    release();
    await until(t, 'every list is published', () => storedDates(w.probe).size === ids.length);
    t.is(w.probe.published.length, ids.length, 'each list published once');
    const held = storedDates(w.probe);

    // Nothing due: one index request is a bounded number of storage reads, whatever the number of lists.
    await until(t, 'the refresher is idle', () => w.probe.publishing === 0);
    w.probe.reads.length = 0;
    const index = await w.index();
    t.deepEqual(w.probe.reads, ['statusListSummaries'], 'one storage read for all the lists');
    for (const id of ids) t.is(index.issuers[w.did]?.[id], held.get(id), id);

    // Past the refresh period every list is due. With signing held back, two index requests
    // at once still answer — with the held copies, still valid for another 50 minutes.
    w.step((REFRESH + 1) * 1000);
    w.probe.published.length = 0;
    w.probe.mostPublishing = 0;
    release = hold(w.probe);
    const started = Date.now();
    const [a, b] = await Promise.all([w.index(), w.index()]);
    t.true(Date.now() - started < 5000, `the index took ${Date.now() - started} ms`);
    for (const id of ids) {
      t.is(a.issuers[w.did]?.[id], held.get(id), id);
      t.is(b.issuers[w.did]?.[id], held.get(id), id);
    }
    t.is(w.probe.published.length, 0, 'nothing was signed inside the requests');
    release();
    await until(t, 'every due list is re-signed', () => storedDates(w.probe).size === ids.length);
    await until(t, 'the refresher is idle', () => w.probe.publishing === 0);
    t.is(w.probe.published.length, ids.length, 'each due list re-signed once, though two requests found it due');
    t.true(w.probe.mostPublishing <= REFRESH_CONCURRENCY, `${w.probe.mostPublishing} publications at once`);
    const refreshed = storedDates(w.probe);
    const after = await w.index();
    for (const id of ids) {
      t.true(Date.parse(refreshed.get(id)!) > Date.parse(held.get(id)!), id);
      t.is(after.issuers[w.did]?.[id], refreshed.get(id), id);
    }
  });

  test(`${engine}: a list whose publication fails does not turn the index into a 503: the held copy stays listed, the failure is reported, and it is retried later`, async (t) => {
    const w = await world(t, engine);
    const ids = w.issuer.statusListIds('bo-cong-an');
    for (const id of ids) await w.issuer.getSignedStatusList(id);
    const held = storedDates(w.probe);
    const broken = ids[0]!;
    w.probe.failing.add(broken);
    w.step((REFRESH + 1) * 1000);
    w.probe.published.length = 0;

    const index = await w.index();
    t.deepEqual(Object.keys(index.issuers[w.did] ?? {}).sort(), [...ids].sort());
    t.is(index.issuers[w.did]?.[broken], held.get(broken));
    await until(t, 'the other lists are re-signed', () => storedDates(w.probe).size === ids.length - 1);
    await until(t, 'the failure is reported', () => w.background.some((b) => b.listId === broken));
    t.deepEqual(w.background, [{ listId: broken, code: 'STORAGE_UNAVAILABLE' }]);
    t.false(storedDates(w.probe).has(broken));
    const again = await w.index();
    t.is(again.issuers[w.did]?.[broken], held.get(broken), 'still the held copy');
    t.is(w.background.length, 1, 'a failed list is not retried at once (no hot loop)');

    // Negative twin: once the store works again, a later index gets it re-signed.
    w.probe.failing.clear();
    w.step(60_000);
    await w.index();
    await until(t, 'the list is re-signed', () => storedDates(w.probe).has(broken));
    const fixed = await w.index();
    t.is(fixed.issuers[w.did]?.[broken], storedDates(w.probe).get(broken));
  });

  test(`${engine}: with the database unreachable the background refresher stops at the first failures instead of failing every due list, and the next index resumes it`, async (t) => {
    const w = await world(t, engine, { issuances: 10 });
    const ids = w.issuer.statusListIds('bo-cong-an');
    for (const id of ids) await w.issuer.getSignedStatusList(id);
    w.step((REFRESH + 1) * 1000);
    w.probe.published.length = 0;
    w.probe.unreachable = true;
    await w.index();
    await until(t, 'a failure is reported', () => w.background.length > 0);
    await until(t, 'the refresher stops', () => w.probe.publishing === 0);
    t.true(w.background.length <= REFRESH_CONCURRENCY, `${w.background.length} of ${ids.length} lists reported`);
    t.true(w.background.every((b) => b.code === 'STORAGE_UNAVAILABLE'));
    // Back: the next index queues every due list again.
    w.probe.unreachable = false;
    await w.index();
    await until(t, 'every list is re-signed', () => storedDates(w.probe).size === ids.length);
  });

  test(`${engine}: a list refused with STATUS_LIST_CLOCK_SKEW leaves the index answering for every other list`, async (t) => {
    const w = await world(t, engine, { issuances: 1 });
    const ids = w.issuer.statusListIds('bo-cong-an');
    for (const id of ids) await w.issuer.getSignedStatusList(id);
    const listId = revocationListOf(w.credentials[0]!);
    w.step(24 * 3600_000); // a clock a day ahead publishes one list
    await w.issuer.getSignedStatusList(listId);
    w.step(-24 * 3600_000); // NTP corrects it
    await w.issuer.revoke(w.credentials[0]!.id as string);
    const before = storedDates(w.probe);

    const index = await w.index();
    t.deepEqual(Object.keys(index.issuers[w.did] ?? {}).sort(), [...ids].sort());
    // Changed since its copy: announced as newer than the copy, so verifiers ask for the list itself.
    t.true(Date.parse(index.issuers[w.did]![listId]!) > Date.parse(before.get(listId)!));
    const list = await fetch(`${w.base}/status-lists/${listId}`);
    t.is(list.status, 503);
    t.is(((await list.json()) as { code: string }).code, 'STATUS_LIST_CLOCK_SKEW');
    const other = ids.find((id) => id !== listId)!;
    t.is((await fetch(`${w.base}/status-lists/${other}`)).status, 200);
    await until(t, 'the refusal is reported', () => w.background.some((b) => b.listId === listId));
    t.is(w.background.find((b) => b.listId === listId)?.code, 'STATUS_LIST_CLOCK_SKEW');
  });

  test(`${engine}: a revocation changes its list’s date in the index, and the list then served carries it`, async (t) => {
    const w = await world(t, engine, { issuances: 2 });
    const ids = w.issuer.statusListIds('bo-cong-an');
    for (const id of ids) await w.issuer.getSignedStatusList(id);
    const listId = revocationListOf(w.credentials[0]!);
    const before = await w.index();
    await w.issuer.revoke(w.credentials[0]!.id as string);
    const after = await w.index();
    const announced = Date.parse(after.issuers[w.did]![listId]!);
    t.true(announced > Date.parse(before.issuers[w.did]![listId]!));
    // Lists the revocation did not touch keep their date (it touches the credential's two lists).
    const touched = new Set(listsOf(w.credentials[0]!));
    for (const id of ids) if (!touched.has(id)) t.is(after.issuers[w.did]?.[id], before.issuers[w.did]?.[id], id);
    // The list a verifier then fetches carries the revocation and is not older than announced.
    const list = (await (await fetch(`${w.base}/status-lists/${listId}`)).json()) as JsonObject;
    t.true(Date.parse(list.validFrom as string) >= announced);
    await until(t, 'the index names the published copy', async () => {
      const now = await w.index();
      return now.issuers[w.did]?.[listId] === list.validFrom;
    });
  });

  test(`${engine}: the index cache (statusListIndexCacheSeconds) is dropped by a status change made in this process, and expires with its lifetime`, async (t) => {
    const w = await world(t, engine, { issuances: 2, cacheSeconds: 30 });
    const ids = w.issuer.statusListIds('bo-cong-an');
    for (const id of ids) await w.issuer.getSignedStatusList(id);
    const first = revocationListOf(w.credentials[0]!);
    const second = revocationListOf(w.credentials[1]!);
    const before = await w.index();
    w.probe.reads.length = 0;
    t.deepEqual(await w.index(), before);
    t.deepEqual(w.probe.reads, [], 'a cached index reads nothing');
    await w.issuer.revoke(w.credentials[0]!.id as string);
    const after = await w.index();
    t.true(Date.parse(after.issuers[w.did]![first]!) > Date.parse(before.issuers[w.did]![first]!));
    if (engine === 'postgres') {
      // A change acknowledged by another replica shows once this replica's cache expires.
      const other = await w.replica();
      await other.revoke(w.credentials[1]!.id as string);
      const cached = await w.index();
      t.is(cached.issuers[w.did]?.[second], after.issuers[w.did]?.[second]);
      w.step(31_000);
      const expired = await w.index();
      t.true(Date.parse(expired.issuers[w.did]![second]!) > Date.parse(after.issuers[w.did]![second]!));
    }
  });
}

test('statusListIndexCacheSeconds must be a whole number of seconds from 0 (off) to 300', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  for (const bad of [-1, 1.5, Number.NaN, 301]) {
    await t.throwsAsync(
      openIssuer({
        dataDir: dir,
        passphrase: PASSPHRASE,
        baseUrl: 'http://127.0.0.1:1',
        statusListIndexCacheSeconds: bad,
      }),
      { instanceOf: RangeError },
    );
  }
});
