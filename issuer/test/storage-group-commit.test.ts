// Group commit on a real PostgreSQL server: concurrent issuances of one
// process share transactions (counted as the distinct inserting transaction
// ids, xmin, of their audit entries, which are written outside the per-item
// savepoints), each keeps its own outcome, and the switch turns it off.
import { randomUUID } from 'node:crypto';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test from 'ava';
import pg from 'pg';
import type { IssuanceRecord, MinistryRecord, StatusSlot } from '../src/lib/types.js';
import type { AllocationPolicy } from '../src/storage/contract.js';
import { initialLists } from '../src/storage/lists.js';
import { openPostgresStorage } from '../src/storage/postgres/postgres-storage.js';

let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

const SLUG = 'bo-cong-an';
const KEY = `did:web:127.0.0.1%3A8080:${SLUG}#key-1`;
const MINISTRY: MinistryRecord = {
  slug: SLUG,
  did: `did:web:127.0.0.1%3A8080:${SLUG}`,
  name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
  role: 'MinistryOfPublicSecurity',
  allowGeneralCredentials: false,
  createdAt: '2026-06-01T08:00:00.000Z',
  keys: [
    {
      id: KEY,
      keyType: 'Ed25519',
      publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      validFrom: '2026-06-01T08:00:00.000Z',
    },
  ],
};
const policy: AllocationPolicy = {
  length: 1024,
  maxAllocationsPerList: 512,
  now: () => new Date('2026-06-01T08:00:00Z'),
};
const N = 64;

function record(id: string, status: { revocation: StatusSlot; suspension: StatusSlot }): IssuanceRecord {
  return {
    id,
    type: 'DrivingLicence',
    ministry: SLUG,
    keyId: KEY,
    cryptosuite: 'eddsa-rdfc-2022',
    issuedAt: '2026-06-01T08:00:00Z',
    subjectDigest: 'sha256-AAAA',
    status,
    state: 'active',
  } as IssuanceRecord;
}

/** N concurrent issuances (two of them under one id); answers the outcomes and the transaction ids they used. */
async function issueConcurrently(groupCommit: boolean) {
  const url = await (server as TestPostgres).createDatabase();
  const storage = await openPostgresStorage(url, { groupCommit, refreshMs: 60_000, connectionTimeoutMillis: 60_000 });
  const probe = new pg.Client(url);
  await probe.connect();
  try {
    await storage.addMinistry(MINISTRY, initialLists(SLUG, policy), { event: 'ministry.added', data: {} });
    const slots = [];
    for (let i = 0; i < N; i++) slots.push(await storage.reserveSlots(SLUG, policy));
    const ids = slots.map(() => `urn:uuid:${randomUUID()}`);
    ids[N - 1] = ids[0] as string;
    const outcomes = await Promise.allSettled(
      slots.map((s, i) =>
        storage.recordIssuance({
          record: record(ids[i] as string, s),
          audit: { event: 'credential.issued', data: { i } },
          // Items 1 and 2 carry one idempotency key: whichever comes second gets the first's credential back.
          ...(i === 1 || i === 2
            ? { idempotency: { key: 'retry-1', requestDigest: 'd', credential: { id: ids[i] as string } } }
            : {}),
        }),
      ),
    );
    const transactions = Number(
      (
        await probe.query<{ n: string }>(
          "SELECT count(DISTINCT xmin::text) AS n FROM audit_log WHERE entry->>'event' = 'credential.issued'",
        )
      ).rows[0]!.n,
    );
    const audited = Number((await probe.query<{ n: string }>('SELECT count(*) AS n FROM audit_log')).rows[0]!.n);
    const records = Number((await probe.query<{ n: string }>('SELECT count(*) AS n FROM records')).rows[0]!.n);
    return { outcomes, transactions, audited, records };
  } finally {
    await probe.end();
    await storage.close();
  }
}

function check(t: import('ava').ExecutionContext, r: Awaited<ReturnType<typeof issueConcurrently>>) {
  const refused = r.outcomes.filter((o) => o.status === 'rejected');
  t.is(refused.length, 1, 'exactly the second writer of the shared id is refused');
  t.is((refused[0] as PromiseRejectedResult).reason.code, 'CREDENTIAL_ID_CONFLICT');
  const stored = r.outcomes.filter((o) => o.status === 'fulfilled' && o.value !== undefined);
  t.is(stored.length, 1, 'the second holder of the idempotency key gets the stored entry');
  t.like((stored[0] as PromiseFulfilledResult<{ requestDigest: string }>).value, { requestDigest: 'd' });
  // Neither the refused id nor the idempotent repeat left a record or an audit entry.
  t.is(r.records, N - 2);
  t.is(r.audited, 1 + (N - 2));
}

test('with group commit, 64 concurrent issuances share a few transactions and each keeps its own outcome', async (t) => {
  const r = await issueConcurrently(true);
  check(t, r);
  t.true(r.transactions < N / 4, `${r.transactions} transactions for ${N} issuances`);
});

test('with the switch off, each recorded issuance is its own transaction', async (t) => {
  const r = await issueConcurrently(false);
  check(t, r);
  t.is(r.transactions, N - 2, `${r.transactions} transactions for ${N} issuances`);
});
