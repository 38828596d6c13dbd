import { gunzipSync } from 'node:zlib';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres } from '@vneid/test-support';
import test from 'ava';
import pg from 'pg';
import { createIssuer, generateApiKey, hashApiKey } from '../src/index.js';
import { type Replica, startReplica, stopReplica } from './helpers/replica.js';
import { MINISTRIES, PASSPHRASE } from './helpers/setup.js';

// The "done when" run of issue 11 at its size: real service processes on one real PostgreSQL, 3,000
// issuances (VNEID_REPLICA_ISSUES=<n> for another size). Measured on the shared 2-core machine
// (2026-12-05): 3,000 in 54 s of issuing, 65 s in all at load average 7 (400 took 22 s in all).
// Where the CPU goes, per issuance over HTTP: about 6–8 ms in the replica (HTTP, validation, signing —
// eddsa-rdfc-2022 signs through the fast path in about 2 ms, eddsa-jcs-2022 is no cheaper here, so the
// suite stays), 6–7 ms in PostgreSQL (the statements of authentication, the shared rate limit,
// allocation and the audited record) and 3 ms in this test's client; plus about 4 s of CPU per replica
// start through tsx (six starts). The run was 6 min before because the machine was at load average
// 11–25 (starts of 7–83 s), not because of the work.
const TOTAL = Number(process.env.VNEID_REPLICA_ISSUES ?? 3000);
const IN_FLIGHT = 48;
const KILLS = 3;

test('three replicas on one PostgreSQL, 3,000 concurrent issuances while one is SIGKILLed and restarted: every acknowledged credential is recorded once, indexes are unique, the audit log verifies, and a revocation made on one replica is in the list another serves', async (t) => {
  t.timeout(15 * 60_000);
  const server = await startTestPostgres();
  const replicas: Replica[] = [];
  try {
    const setup = await createIssuer({
      databaseUrl: server.url,
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:1',
    });
    await setup.addMinistry(MINISTRIES.bca);
    const apiKey = generateApiKey();
    await setup.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(apiKey) });
    await setup.close();
    const env = {
      DATABASE_URL: server.url,
      VNEID_ISSUER_PASSPHRASE: PASSPHRASE,
      VNEID_SIGNING_WORKERS: '0',
      VNEID_RATE_LIMIT_BURST: '100000',
      VNEID_RATE_LIMIT_PER_SECOND: '100000',
      PORT: '0',
      HOST: '127.0.0.1',
      VNEID_ISSUER_BASE_URL: 'https://issuer.example',
    };
    replicas.push(...(await Promise.all([startReplica(env), startReplica(env), startReplica(env)])));

    const acknowledged = new Map<string, string>(); // idempotency key → credential id
    let refused = 0;
    let next = 0;
    const post = (r: Replica, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${r.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
        body: JSON.stringify(body),
      });
    const issueOne = async (i: number) => {
      const key = `run-1:${i}`;
      const body = {
        credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
        options: { suite: 'eddsa-rdfc-2022' },
      };
      // A request cut by a kill (or answered 503) is retried on another replica with the same key.
      for (let attempt = 0; attempt < 20; attempt++) {
        const r = replicas[(i + attempt) % replicas.length] as Replica;
        try {
          const res = await post(r, '/credentials/issue', body, { 'idempotency-key': key });
          if (res.status === 201) {
            const { verifiableCredential } = (await res.json()) as { verifiableCredential: { id: string } };
            const seen = acknowledged.get(key);
            if (seen !== undefined && seen !== verifiableCredential.id) t.fail(`key ${key} gave two credentials`);
            acknowledged.set(key, verifiableCredential.id);
            return;
          }
          refused += 1;
          await res.arrayBuffer();
        } catch {
          refused += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      t.fail(`request ${i} never acknowledged`);
    };
    const started = Date.now();
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      while (next < TOTAL) {
        await issueOne(next++);
        if (acknowledged.size % 500 === 0) t.log(`${acknowledged.size} acknowledged at ${Date.now() - started} ms`);
      }
    });
    const restarts: number[] = [];
    // Kills at fixed shares of the run (not fixed times), so every run size sees all of them.
    const killer = (async () => {
      for (let k = 1; k <= KILLS; k++) {
        while (next < (TOTAL * k) / (KILLS + 1)) await new Promise((resolve) => setTimeout(resolve, 50));
        await stopReplica(replicas[0] as Replica);
        replicas[0] = await startReplica(env);
        restarts.push(replicas[0].startMs);
      }
    })();
    await Promise.all([...lanes, killer]);
    t.log(
      `${TOTAL} issuances in ${Date.now() - started} ms over 3 replicas; ${refused} attempts retried; first start ${replicas.map((r) => r.startMs)} ms, restarts ${restarts} ms`,
    );
    t.is(acknowledged.size, TOTAL);
    t.is(restarts.length, KILLS, 'one replica was killed and restarted KILLS times');

    const client = new pg.Client(server.url);
    await client.connect();
    const records = await client.query<{
      id: string;
      record: {
        status: { revocation: { listId: string; index: number }; suspension: { listId: string; index: number } };
      };
    }>('SELECT id, record FROM records');
    const ids = new Set(records.rows.map((r) => r.id));
    for (const id of acknowledged.values()) t.true(ids.has(id), `acknowledged ${id} is recorded`);
    const keyed = await client.query<{ n: string }>('SELECT count(*) AS n FROM idempotency');
    t.is(Number(keyed.rows[0]?.n), TOTAL, 'one stored credential per key');
    const slots = records.rows.flatMap((r) => [
      `${r.record.status.revocation.listId}#${r.record.status.revocation.index}`,
      `${r.record.status.suspension.listId}#${r.record.status.suspension.index}`,
    ]);
    t.is(new Set(slots).size, slots.length, 'all status indexes unique');
    await client.end();

    // A revocation acknowledged by replica 1 is in the list replica 2 serves.
    const victim = [...acknowledged.values()][0] as string;
    const revoked = await post(replicas[1] as Replica, '/credentials/status', {
      credentialId: victim,
      action: 'revoke',
    });
    t.is(revoked.status, 200);
    const record = records.rows.find((r) => r.id === victim)!.record.status.revocation;
    const list = (await (await fetch(`${replicas[2]!.url}/status-lists/${record.listId}`)).json()) as {
      credentialSubject: { encodedList: string };
    };
    const bytes = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
    t.true(((bytes[record.index >> 3] ?? 0) & (0x80 >> (record.index & 7))) !== 0, 'revocation bit set');
    // Negative twin: a credential nobody revoked is not set in that list.
    const other = records.rows.find((r) => r.id !== victim && r.record.status.revocation.listId === record.listId)!
      .record.status.revocation;
    t.false(((bytes[other.index >> 3] ?? 0) & (0x80 >> (other.index & 7))) !== 0);

    const check = await createIssuer({
      databaseUrl: server.url,
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:1',
    });
    const audit = await check.verifyAuditLog();
    t.true(audit.valid, JSON.stringify(audit));
    await check.close();
  } finally {
    await Promise.all(replicas.map(stopReplica));
    await server.close();
  }
});
