import { VneidError } from '@vneid/core';
import type pg from 'pg';
import { GENESIS_HASH } from '../audit-chain.js';

/**
 * The schema, as numbered steps applied in order at start; the database
 * records the highest one applied (`schema_migrations`). A step is never
 * edited once released: changes are new steps. Documents (records, signed
 * lists, audit entries) are `json`, not `jsonb`, so that what is returned is
 * byte for byte what was stored (jsonb reorders keys).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE keystore (key text COLLATE "C" PRIMARY KEY, value json NOT NULL);
CREATE TABLE ministries (slug text PRIMARY KEY, record json NOT NULL);
CREATE TABLE status_lists (
  list_id text PRIMARY KEY,
  ministry text NOT NULL REFERENCES ministries (slug),
  purpose text NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
  seq integer NOT NULL CHECK (seq >= 1),
  length integer NOT NULL,
  created_at text NOT NULL,
  -- indexes handed out (never decreases: an index is never reused)
  allocated integer NOT NULL DEFAULT 0,
  -- status changes so far; a published copy records the value it was built at
  version bigint NOT NULL DEFAULT 0,
  signed json,
  signed_version bigint NOT NULL DEFAULT 0,
  signed_at timestamptz,
  UNIQUE (ministry, purpose, seq)
);
-- Every index ever handed out, by any replica: the primary key makes reuse impossible.
CREATE TABLE allocations (
  list_id text NOT NULL REFERENCES status_lists (list_id),
  idx integer NOT NULL CHECK (idx >= 0),
  PRIMARY KEY (list_id, idx)
);
-- A row while the bit is set: revoking is one insert, whatever the list's fill.
CREATE TABLE status_bits (
  list_id text NOT NULL REFERENCES status_lists (list_id),
  idx integer NOT NULL,
  PRIMARY KEY (list_id, idx)
);
CREATE TABLE records (id text PRIMARY KEY, ministry text NOT NULL REFERENCES ministries (slug), record json NOT NULL);
CREATE TABLE idempotency (
  ministry text NOT NULL REFERENCES ministries (slug),
  key text NOT NULL,
  request_digest text NOT NULL,
  credential_id text NOT NULL REFERENCES records (id),
  credential json NOT NULL,
  PRIMARY KEY (ministry, key)
);
CREATE TABLE audit_log (seq bigint PRIMARY KEY CHECK (seq >= 1), entry json NOT NULL);
-- One row: the tip of the one audit chain. Appending locks it, so the database orders the chain.
CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}');
CREATE TABLE api_keys (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  ministry text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    sql: `
ALTER TABLE api_keys ADD COLUMN revoked_at timestamptz;
CREATE TABLE batches (
  id text PRIMARY KEY,
  ministry text NOT NULL REFERENCES ministries (slug),
  total integer NOT NULL CHECK (total >= 0),
  created_at text NOT NULL,
  finished_at text
);
-- The requests, until the batch is finished (they carry personal data).
CREATE TABLE batch_items (
  batch_id text NOT NULL REFERENCES batches (id),
  idx integer NOT NULL CHECK (idx >= 0),
  item json NOT NULL,
  PRIMARY KEY (batch_id, idx)
);
CREATE TABLE batch_results (
  batch_id text NOT NULL REFERENCES batches (id),
  idx integer NOT NULL CHECK (idx >= 0),
  result json NOT NULL,
  PRIMARY KEY (batch_id, idx)
);
`,
  },
  {
    version: 3,
    sql: `
-- Per-API-key token buckets shared by every replica (one row per key that has made a
-- request; keys are authenticated before they are limited, so rows are bounded by the keys).
-- UNLOGGED: a step writes no WAL, so its commit waits for no disk flush (nor a synchronous
-- standby) while it holds the key's row; with a logged table every request of one key
-- queued behind the previous one's fsync (about 480 steps/s for one hot key on the test
-- machine, 3,700 unlogged). The price: after a server crash or a failover the buckets
-- start full — each key gets at most one extra burst, as a restart of the LevelDB
-- process gives. Nothing acknowledged to a client lives here.
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  at_ms bigint NOT NULL,
  -- the decision of the last step, for the upsert's RETURNING
  allowed boolean NOT NULL
);
`,
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

// Any constant: every replica takes the same advisory lock while migrating.
const MIGRATION_LOCK = 7_245_601_113;

/**
 * Brings the database to {@link SCHEMA_VERSION}: the first replica started
 * on an empty database creates the schema, later ones find it done (an
 * advisory lock makes them wait for each other). Each step and its record
 * commit together.
 *
 * @throws {VneidError} STORAGE_SCHEMA_TOO_NEW when the database was migrated by newer code.
 */
export async function migrate(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const from = rows[0]?.v ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new VneidError(
        'STORAGE_SCHEMA_TOO_NEW',
        `the database schema is version ${from}, newer than this issuer's ${SCHEMA_VERSION}: run a newer issuer`,
        { details: { databaseVersion: from, codeVersion: SCHEMA_VERSION } },
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    return { from, to: SCHEMA_VERSION };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
