import { randomUUID } from 'node:crypto';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import type { MinistryRecord } from '../src/lib/types.js';
import type { AllocationPolicy, IssuerStorage } from '../src/storage/contract.js';
import { openLevelDbStorage } from '../src/storage/leveldb/leveldb-storage.js';
import { initialLists } from '../src/storage/lists.js';
import { openPostgresStorage } from '../src/storage/postgres/postgres-storage.js';
import { removeDir, tempDir } from './helpers/setup.js';

// Status-index allocation at the storage contract, on both engines: which list a reservation
// lands in, and how many lists exist afterwards (every police device syncs each one).
let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

const SLUG = 'bo-cong-an';
const MINISTRY: MinistryRecord = {
  slug: SLUG,
  did: 'did:web:127.0.0.1%3A8080:bo-cong-an',
  name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
  role: 'MinistryOfPublicSecurity',
  allowGeneralCredentials: false,
  createdAt: '2026-06-01T08:00:00.000Z',
  keys: [
    {
      id: 'did:web:127.0.0.1%3A8080:bo-cong-an#key-1',
      keyType: 'Ed25519',
      publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      validFrom: '2026-06-01T08:00:00.000Z',
    },
  ],
};
const policy = (length: number, maxAllocationsPerList: number): AllocationPolicy => ({
  length,
  maxAllocationsPerList,
  now: () => new Date('2026-06-01T08:00:00Z'),
});

type Engine = 'leveldb' | 'postgres';

/** Opens (and reopens, with `open()` again) one store of `engine`, the ministry added with lists of `length`. */
async function store(t: ExecutionContext, engine: Engine, length: number) {
  const opened: IssuerStorage[] = [];
  let open: () => Promise<IssuerStorage>;
  let url = '';
  if (engine === 'postgres') {
    url = await (server as TestPostgres).createDatabase();
    // Generous connection wait: 200 reservations queue for 10 connections, on a busy machine.
    open = () => openPostgresStorage(url, { refreshMs: 60_000, connectionTimeoutMillis: 60_000 });
  } else {
    const dir = await tempDir('vneid-alloc-');
    t.teardown(() => removeDir(dir));
    open = () => openLevelDbStorage(dir);
  }
  const tracked = async () => {
    const s = await open();
    opened.push(s);
    return s;
  };
  t.teardown(async () => {
    for (const s of opened.reverse()) await s.close();
  });
  const first = await tracked();
  await first.addMinistry(MINISTRY, initialLists(SLUG, policy(length, 1)), { event: 'ministry.added', data: {} });
  return { first, open: tracked, url };
}

/** Reserves slots and records an issuance holding them (on LevelDB the slots become durable with the record). */
async function issueOne(storage: IssuerStorage, allocation: AllocationPolicy) {
  const slots = await storage.reserveSlots(SLUG, allocation);
  await storage.recordIssuance({
    record: {
      id: `urn:uuid:${randomUUID()}`,
      type: 'DrivingLicence',
      ministry: SLUG,
      keyId: MINISTRY.keys[0]!.id,
      cryptosuite: 'eddsa-rdfc-2022',
      issuedAt: '2026-06-01T08:00:00Z',
      subjectDigest: 'sha256-AAAA',
      status: slots,
      state: 'active',
    },
    audit: { event: 'credential.issued', data: {} },
  });
  return slots;
}

async function allocations(storage: IssuerStorage): Promise<Map<string, number>> {
  return new Map((await storage.statusListAllocations()).map((a) => [a.listId, a.allocated]));
}

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: a list opened under a shorter statusListLength is not reopened when the length and cap are raised: it stays at half its own length`, async (t) => {
    const L = 8;
    const s = await store(t, engine, L);
    const before = policy(L, L / 2);
    for (let i = 0; i < L / 2; i++) {
      t.is((await issueOne(s.first, before)).revocation.listId, `${SLUG}-revocation-1`);
    }
    t.is((await allocations(s.first)).get(`${SLUG}-revocation-1`), L / 2, 'list 1 is full at half its length');
    // The operator doubles statusListLength; the cap follows (half the new length).
    // LevelDB: the same folder reopened; PostgreSQL: a replica started with the new settings.
    if (engine === 'leveldb') await s.first.close();
    const storage = await s.open();
    const after = policy(2 * L, L);
    const landed: string[] = [];
    const indexes = new Set<string>();
    for (let i = 0; i < L; i++) {
      const slots = await issueOne(storage, after);
      landed.push(slots.revocation.listId);
      indexes.add(`${slots.revocation.listId}:${slots.revocation.index}`);
    }
    t.false(landed.includes(`${SLUG}-revocation-1`), landed.join(' '));
    // List 2 was opened with length L too: it closes at L/2; list 3 and later have the new length.
    t.deepEqual(landed, [
      ...Array.from({ length: L / 2 }, () => `${SLUG}-revocation-2`),
      ...Array.from({ length: L / 2 }, () => `${SLUG}-revocation-3`),
    ]);
    t.is(indexes.size, L);
    const fill = await allocations(storage);
    t.is(fill.get(`${SLUG}-revocation-1`), L / 2);
    t.is(fill.get(`${SLUG}-revocation-2`), L / 2);
    t.is((await storage.getStatusList(`${SLUG}-revocation-3`))?.length, 2 * L);
    // Negative twin: a list of the new length takes the new cap, L, past half the old length.
    for (let i = 0; i < L / 2; i++) await issueOne(storage, after);
    t.is((await allocations(storage)).get(`${SLUG}-revocation-3`), L);
    t.is((await issueOne(storage, after)).revocation.listId, `${SLUG}-revocation-4`);
  });
}

test('postgres: 200 concurrent reservations on two replicas with a cap of 4 leave contiguous lists, at most one empty standby per purpose, and unique indexes', async (t) => {
  const s = await store(t, 'postgres', 16);
  const second = await s.open();
  const cap = policy(16, 4);
  const slots = await Promise.all(
    Array.from({ length: 200 }, (_, i) => (i % 2 ? s.first : second).reserveSlots(SLUG, cap)),
  );
  for (const purpose of ['revocation', 'suspension'] as const) {
    const taken = slots.map((slot) => `${slot[purpose].listId}:${slot[purpose].index}`);
    t.is(new Set(taken).size, 200, `${purpose}: every index unique`);
  }
  const rows = await listRows(s.url);
  for (const purpose of ['revocation', 'suspension'] as const) {
    const mine = rows.filter((r) => r.purpose === purpose);
    t.deepEqual(
      mine.map((r) => r.seq),
      Array.from({ length: mine.length }, (_, i) => i + 1),
      `${purpose}: seqs contiguous`,
    );
    t.true(
      mine.every((r) => r.allocated <= 4),
      `${purpose}: no list past its cap`,
    );
    t.is(
      mine.reduce((sum, r) => sum + r.allocated, 0),
      200,
    );
    const empty = mine.filter((r) => r.allocated === 0);
    t.true(empty.length <= 1, `${purpose}: empty lists ${empty.map((r) => r.seq).join(', ')}`);
    // The 50 full lists and the standby after the last: nothing more for devices to sync.
    t.is(mine.length, 51, `${purpose}: ${mine.length} lists`);
  }
});

/** The status_lists rows, read with a client of its own (what another replica would see). */
async function listRows(url: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ purpose: string; seq: number; allocated: number }>(
      'SELECT purpose, seq, allocated FROM status_lists WHERE ministry = $1 ORDER BY purpose, seq',
      [SLUG],
    );
    return rows;
  } finally {
    await client.end();
  }
}
