import { gunzipSync } from 'node:zlib';
import { fixtures } from '@vneid/schemas';
import { startPostgresPair } from '@vneid/test-support';
import test from 'ava';
import pg from 'pg';
import { createIssuer, generateApiKey, hashApiKey } from '../src/index.js';
import { bitSet, type Replica, startReplica, stopReplica } from './helpers/replica.js';
import { MINISTRIES, PASSPHRASE } from './helpers/setup.js';

// The disaster-recovery drill of issue 11, on Debian's PostgreSQL (a primary and a streaming standby).
//
// Recovery-point promise: with `synchronous_standby_names` set on the primary and commits
// synchronous (the storage never lowers `synchronous_commit`), a COMMIT returns only after the
// standby has flushed it, so every credential, revocation and audit entry the service
// acknowledged before the primary was lost is on the promoted standby (RPO = 0 for acknowledged
// writes). A request in flight at the moment of the loss may or may not be there; it was never
// acknowledged, and its retry with the same idempotency key gives one credential either way.
// Recovery time: promotion, then each replica moves on its next failed request (it looks for the
// writable server of its multi-host DATABASE_URL); meanwhile writes answer 503 STORAGE_UNAVAILABLE.
const IN_FLIGHT = 12;
const BEFORE = 60; // credentials acknowledged by the primary before it is killed
const AFTER = 60; // and by the promoted standby after

test('disaster-recovery drill: the primary is SIGKILLed, the synchronous standby promoted, the replicas move to it by themselves, every acknowledged credential and revocation is on it, and issuance and revocation continue', async (t) => {
  t.timeout(3 * 60_000);
  const pair = await startPostgresPair();
  const replicas: Replica[] = [];
  let stopping = false;
  try {
    t.is(await pair.syncState(), 'sync', 'the standby is synchronous');
    const setup = await createIssuer({ databaseUrl: pair.url, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:1' });
    await setup.addMinistry(MINISTRIES.bca);
    const apiKey = generateApiKey();
    await setup.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(apiKey) });
    await setup.close();
    const env = {
      // Both servers, the writable one wanted: the replicas find the promoted standby themselves.
      DATABASE_URL: pair.url,
      VNEID_ISSUER_PASSPHRASE: PASSPHRASE,
      VNEID_SIGNING_WORKERS: '0',
      VNEID_RATE_LIMIT_BURST: '100000',
      VNEID_RATE_LIMIT_PER_SECOND: '100000',
      PORT: '0',
      HOST: '127.0.0.1',
      VNEID_ISSUER_BASE_URL: 'https://issuer.example',
    };
    replicas.push(...(await Promise.all([startReplica(env), startReplica(env)])));
    const post = (r: Replica, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${r.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
        body: JSON.stringify(body),
      });
    const body = {
      credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
      options: { suite: 'eddsa-rdfc-2022' },
    };

    const acknowledged = new Map<string, string>(); // idempotency key → credential id
    const answers = new Map<number, number>(); // HTTP status → count, during the run
    let next = 0;
    const issueOne = async (i: number) => {
      const key = `dr:${i}`;
      const deadline = Date.now() + 60_000;
      for (let attempt = 0; Date.now() < deadline; attempt++) {
        try {
          const res = await post(replicas[(i + attempt) % replicas.length] as Replica, '/credentials/issue', body, {
            'idempotency-key': key,
          });
          answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
          if (res.status === 201) {
            const { verifiableCredential } = (await res.json()) as { verifiableCredential: { id: string } };
            const seen = acknowledged.get(key);
            if (seen !== undefined && seen !== verifiableCredential.id) t.fail(`key ${key} gave two credentials`);
            acknowledged.set(key, verifiableCredential.id);
            return;
          }
          await res.arrayBuffer();
        } catch {
          answers.set(0, (answers.get(0) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      t.fail(`request ${i} never acknowledged`);
    };
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      while (!stopping) await issueOne(next++);
    });
    const until = async (what: string, done: () => boolean) => {
      for (const deadline = Date.now() + 60_000; !done(); ) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    await until('issuances on the primary', () => acknowledged.size >= BEFORE);
    // A revocation acknowledged by the primary.
    const [revokedBefore, revokedAfter] = [...acknowledged.values()] as [string, string];
    const first = await post(replicas[0] as Replica, '/credentials/status', {
      credentialId: revokedBefore,
      action: 'revoke',
    });
    t.is(first.status, 200);

    await pair.killPrimary();
    // What was acknowledged by now was acknowledged by the lost primary (and what is being answered now, too).
    const beforeKill = new Set(acknowledged.values());
    const killedAt = Date.now();
    // No writable server: the service refuses writes with a stable code, never a silent accept.
    const down = await post(replicas[1] as Replica, '/credentials/issue', body);
    t.is(down.status, 503);
    t.is(((await down.json()) as { code: string }).code, 'STORAGE_UNAVAILABLE');
    t.truthy(down.headers.get('retry-after'));

    await pair.promoteStandby();
    const promotedAt = Date.now();
    const atPromotion = acknowledged.size;
    await until('issuances on the promoted standby', () => acknowledged.size >= atPromotion + AFTER);
    const resumedAt = Date.now();
    stopping = true;
    await Promise.all(lanes);
    t.log(
      `${beforeKill.size} acknowledged before the kill, ${acknowledged.size} in all; promotion ${promotedAt - killedAt} ms after the kill, ` +
        `${AFTER} more issuances ${resumedAt - promotedAt} ms after it; answers ${JSON.stringify(Object.fromEntries(answers))}`,
    );

    // Revocation continues: one credential of before the loss, revoked on the promoted server.
    const second = await post(replicas[1] as Replica, '/credentials/status', {
      credentialId: revokedAfter,
      action: 'revoke',
    });
    t.is(second.status, 200);

    // The promise, checked on the promoted server itself.
    const client = new pg.Client(pair.standby.url);
    await client.connect();
    try {
      const { rows } = await client.query<{
        id: string;
        record: {
          status: { revocation: { listId: string; index: number }; suspension: { listId: string; index: number } };
        };
      }>('SELECT id, record FROM records');
      const ids = new Set(rows.map((r) => r.id));
      const lost = [...acknowledged.values()].filter((id) => !ids.has(id));
      t.deepEqual(lost, [], 'no acknowledged credential lost');
      t.true(
        [...beforeKill].every((id) => ids.has(id)),
        'everything the primary acknowledged is on the standby',
      );
      const keyed = await client.query<{ n: string }>('SELECT count(*) AS n FROM idempotency');
      t.is(Number(keyed.rows[0]?.n), acknowledged.size, 'one stored credential per idempotency key');
      const slots = rows.flatMap((r) => [
        `${r.record.status.revocation.listId}#${r.record.status.revocation.index}`,
        `${r.record.status.suspension.listId}#${r.record.status.suspension.index}`,
      ]);
      t.is(new Set(slots).size, slots.length, 'status indexes unique across the failover');

      // Both revocations (acknowledged by the primary, and by the promoted standby) are served.
      const slotOf = (id: string) => rows.find((r) => r.id === id)!.record.status.revocation;
      const served = async (r: Replica, listId: string) => {
        const res = await fetch(`${r.url}/status-lists/${listId}`);
        t.is(res.status, 200);
        const list = (await res.json()) as { credentialSubject: { encodedList: string } };
        return gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
      };
      for (const [id, replica] of [
        [revokedBefore, replicas[1]],
        [revokedAfter, replicas[0]],
      ] as const) {
        const slot = slotOf(id);
        t.true(bitSet(await served(replica as Replica, slot.listId), slot.index), `revocation of ${id} served`);
      }
      // Negative twin: a credential nobody revoked is not set.
      const other = rows.find((r) => r.id !== revokedBefore && r.id !== revokedAfter)!.record.status.revocation;
      t.false(bitSet(await served(replicas[0] as Replica, other.listId), other.index));
    } finally {
      await client.end();
    }

    // The audit chain continued across the failover as one verifiable sequence.
    const check = await createIssuer({
      databaseUrl: pair.standby.url,
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:1',
    });
    try {
      const audit = await check.verifyAuditLog();
      t.true(audit.valid, JSON.stringify(audit));
    } finally {
      await check.close();
    }
  } catch (error) {
    for (const r of replicas) t.log(r.child.exitCode ?? r.child.signalCode, r.output().slice(-3000));
    throw error;
  } finally {
    stopping = true;
    await Promise.all(replicas.map(stopReplica));
    await pair.close();
  }
});

test('a multi-host DATABASE_URL with no writable server refuses to open, with STORAGE_UNAVAILABLE', async (t) => {
  // Two ports nothing listens on: a closed socket is the quickest "down".
  await t.throwsAsync(
    createIssuer({
      databaseUrl: 'postgres://u:p@127.0.0.1:1,127.0.0.1:2/issuer?target_session_attrs=read-write',
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:1',
    }),
    { message: /unavailable/ },
  );
  await t.throwsAsync(
    createIssuer({
      databaseUrl: 'postgres://u:p@127.0.0.1:1/issuer?target_session_attrs=standby',
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:1',
    }),
    { message: /target_session_attrs=standby is not supported/ },
  );
});
