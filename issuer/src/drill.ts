import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BitstringStatusList,
  decodeStatusList,
  type JsonObject,
  toVneidError,
  VneidError,
  verifyCredentialProof,
} from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { restoreBackup } from './backup.js';
import { createIssuer, type Issuer } from './create-issuer.js';
import type { IssueRequest } from './lib/issue-core.js';
import type { AuditHead } from './storage/contract.js';

/** What {@link runDrill} takes. */
export interface DrillOptions {
  /** The backup to restore (a file written by `issuer.backup()`). */
  backup: string;
  /**
   * The live store the restored copy is compared with: the issuer itself
   * (its records, audit log and lists), or the running service's public
   * status lists over HTTP (`{ url }`) when its store is held by the
   * service; then the records and audit entries the backup lacks are not
   * counted (null), and a list whose bits differ must have been re-signed
   * by the service after the backup was taken.
   */
  live: Issuer | { url: string };
  /** Passphrase of the store the backup came from (checks the backup's HMAC, unseals its keys and audit chain). */
  passphrase: string;
  /** Accept an unauthenticated `vneid-issuer-backup/1` file (old backups only; see restoreBackup). */
  allowUnauthenticated?: boolean;
  /** An audit head exported earlier (e.g. VNEID_AUDIT_ANCHOR_FILE): the restored chain must contain it. */
  anchor?: AuditHead;
  /** Restore here (an empty folder) and keep it; default a temporary folder, removed afterwards. */
  into?: string;
  now?: () => Date;
}

/** One check of the drill. */
export interface DrillCheck {
  name: 'restore' | 'audit-chain' | 'backup-in-live-chain' | 'status-lists' | 'issue-and-verify';
  ok: boolean;
  detail: string;
}

/** What the restored copy lacks compared with the live store. */
export interface RecoveryPoint {
  /** Age of the backup's snapshot when the drill ran. */
  backupAgeSeconds: number;
  /** Issuance records in the live store that the backup does not hold (null: not known over HTTP). */
  recordsMissing: number | null;
  /** Audit entries after the backup's head in the live log (null: not known over HTTP). */
  auditEntriesMissing: number | null;
  /** Status lists whose live bits differ from the restored ones (changes after the backup). */
  statusListsDiffering: string[];
}

/** The report of {@link runDrill}: ok when every check passed. */
export interface DrillReport {
  ok: boolean;
  backup: { file: string; createdAt: string; records: number; auditHead: AuditHead };
  checks: DrillCheck[];
  recoveryPoint: RecoveryPoint;
  /** Seconds from the start of the restore to a verified credential issued by the restored copy. */
  recoveryTimeSeconds: number;
  /** The credential issued by the restored copy (synthetic data, never issued by the live store). */
  credentialId?: string;
}

/**
 * A recovery drill: restores a backup into a fresh folder, opens it with
 * the passphrase, verifies its audit chain (against `anchor` when given,
 * and as a prefix of the live chain), re-serves every status list and
 * compares its bits with the live store's (a difference must be explained
 * by a status change after the backup), issues one credential with
 * synthetic data and verifies its proof, and reports the recovery point
 * (what the backup lacks: records, audit entries, status changes, its age)
 * and the recovery time. Reports, never throws for a failed check.
 *
 * @example
 * const report = await runDrill({ backup: 'issuer.vnbak', live: issuer, passphrase });
 * report.ok; report.recoveryPoint.recordsMissing; report.recoveryTimeSeconds
 * @throws {VneidError} BACKUP_CORRUPT, BACKUP_NOT_AUTHENTIC, BACKUP_UNSUPPORTED, BACKUP_TARGET_NOT_EMPTY (the backup cannot be restored at all).
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const now = options.now ?? (() => new Date());
  const started = process.hrtime.bigint();
  const dir = options.into ?? (await mkdtemp(join(tmpdir(), 'vneid-drill-')));
  const checks: DrillCheck[] = [];
  let info: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    info = await restoreBackup({
      file: options.backup,
      dataDir: dir,
      passphrase: options.passphrase,
      ...(options.allowUnauthenticated === true ? { allowUnauthenticated: true } : {}),
    });
  } catch (error) {
    if (!options.into) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const store = 'url' in options.live ? undefined : options.live;
  const baseUrl = store ? store.baseUrl : (options.live as { url: string }).url.replace(/\/+$/, '');
  const restored = await createIssuer({ dataDir: dir, passphrase: options.passphrase, baseUrl });
  try {
    const authenticity =
      info.authenticity === 'verified' ? 'HMAC verified' : 'NOT authenticated (a /1 backup, explicitly allowed)';
    checks.push({
      name: 'restore',
      ok: true,
      detail: `${info.entries} entries, ${info.records} records, ${authenticity}`,
    });

    const chain = await restored.verifyAuditLog(options.anchor ? { anchor: options.anchor } : {});
    checks.push({
      name: 'audit-chain',
      ok: chain.valid,
      detail: chain.valid
        ? `${chain.entries} entries${options.anchor ? `, anchored at seq ${options.anchor.seq}` : ''}`
        : `broken at seq ${chain.brokenAt}${options.anchor && options.anchor.seq > info.auditHead.seq ? ' (the anchor is newer than the backup)' : ''}`,
    });

    // Lists that may differ from the backup: their credentials changed status after it.
    const touched = new Set<string>();
    let liveSeq: number | null = null;
    let recordsMissing: number | null = null;
    if (store) {
      // The backup's last entry must be the live log's entry of that seq: the backup is a prefix of the live chain.
      let atHead: string | undefined;
      const changed: string[] = [];
      liveSeq = 0;
      for await (const entry of store.auditEntries()) {
        liveSeq = entry.seq;
        if (entry.seq === info.auditHead.seq) atHead = entry.hash;
        if (entry.seq > info.auditHead.seq && typeof entry.data?.credentialId === 'string' && 'to' in entry.data) {
          changed.push(entry.data.credentialId);
        }
      }
      for (const id of changed) {
        const record = await store.getRecord(id).catch(() => undefined);
        if (record?.status) for (const slot of Object.values(record.status)) touched.add(slot.listId);
      }
      const inLive = info.auditHead.seq === 0 || atHead === info.auditHead.hash;
      checks.push({
        name: 'backup-in-live-chain',
        ok: inLive,
        detail: inLive
          ? `the backup's head (seq ${info.auditHead.seq}) is in the live chain (head seq ${liveSeq})`
          : `the live chain has another entry at seq ${info.auditHead.seq}: the backup is not of this store`,
      });
      recordsMissing = 0;
      for await (const record of store.records()) {
        if (!(await restored.getRecord(record.id).catch(() => undefined))) recordsMissing += 1;
      }
    }

    const live = store ? liveFromStore(store) : await liveFromService(baseUrl);
    const differing: string[] = [];
    const listIds = live.listIds;
    for (const listId of listIds) {
      const [bits, copy] = await Promise.all([
        live.bits(listId),
        restored.statusListIds().includes(listId) ? bitsOf(restored, listId) : undefined,
      ]);
      if (!copy || !sameBits(bits, copy)) differing.push(listId);
    }
    // A list the backup lacks is new since; one it holds with other bits needs a status change after the backup.
    const backupTime = Date.parse(info.createdAt);
    const unexplained = differing.filter(
      (id) =>
        restored.statusListIds().includes(id) &&
        (store ? !touched.has(id) : !(Date.parse(live.signedAt.get(id) ?? '') > backupTime)),
    );
    checks.push({
      name: 'status-lists',
      ok: unexplained.length === 0,
      detail:
        unexplained.length === 0
          ? `${listIds.length - differing.length} of ${listIds.length} identical to the live ones` +
            (differing.length > 0 ? `; ${differing.length} changed after the backup` : '')
          : `bits differ with no change after the backup to explain it: ${unexplained.join(', ')}`,
    });

    let credentialId: string | undefined;
    try {
      const credential = await restored.issue(probeRequest(restored));
      credentialId = credential.id as string;
      const result = await verifyCredentialProof({ credential, documentLoader: restored.documentLoader() });
      checks.push({
        name: 'issue-and-verify',
        ok: result.verified,
        detail: result.verified ? `issued and verified ${credentialId}` : `did not verify: ${result.error?.code}`,
      });
    } catch (error) {
      const e = toVneidError(error, 'PROOF_GENERATION_ERROR', 'the restored copy could not issue');
      checks.push({ name: 'issue-and-verify', ok: false, detail: `${e.code}: ${e.message}` });
    }
    const recoveryTimeSeconds = Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000;
    return {
      ok: checks.every((c) => c.ok),
      backup: { file: options.backup, createdAt: info.createdAt, records: info.records, auditHead: info.auditHead },
      checks,
      recoveryPoint: {
        backupAgeSeconds: Math.max(0, (now().getTime() - Date.parse(info.createdAt)) / 1000),
        recordsMissing,
        auditEntriesMissing: liveSeq === null ? null : Math.max(0, liveSeq - info.auditHead.seq),
        statusListsDiffering: differing,
      },
      recoveryTimeSeconds,
      ...(credentialId ? { credentialId } : {}),
    };
  } finally {
    await restored.close();
    if (!options.into) await rm(dir, { recursive: true, force: true });
  }
}

interface LiveLists {
  listIds: string[];
  /** When the live copy of each list was signed (over HTTP; empty for a store). */
  signedAt: Map<string, string>;
  bits(listId: string): Promise<BitstringStatusList>;
}

function liveFromStore(issuer: Issuer): LiveLists {
  return { listIds: issuer.statusListIds(), signedAt: new Map(), bits: (id) => bitsOf(issuer, id) };
}

// The service's public routes: the index (`GET /status-lists/`) names every list with its signing time.
async function liveFromService(baseUrl: string): Promise<LiveLists> {
  const get = async (path: string): Promise<JsonObject> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(15_000), redirect: 'error' });
    } catch (cause) {
      throw new VneidError('STATUS_RETRIEVAL_ERROR', `GET ${baseUrl}${path} failed`, { cause });
    }
    if (!response.ok) {
      throw new VneidError('STATUS_RETRIEVAL_ERROR', `GET ${path} answered ${response.status}`, {
        details: { status: response.status },
      });
    }
    return (await response.json()) as JsonObject;
  };
  const index = (await get('/status-lists/')) as { issuers?: Record<string, Record<string, string>> };
  const signedAt = new Map<string, string>();
  for (const lists of Object.values(index.issuers ?? {}))
    for (const [id, at] of Object.entries(lists)) signedAt.set(id, at);
  return {
    listIds: [...signedAt.keys()].sort(),
    signedAt,
    bits: async (id) =>
      decodeStatusList(
        ((await get(`/status-lists/${encodeURIComponent(id)}`)).credentialSubject as JsonObject).encodedList,
      ),
  };
}

async function bitsOf(issuer: Issuer, listId: string): Promise<BitstringStatusList> {
  const credential = await issuer.getStatusListCredential(listId);
  const subject = credential.credentialSubject as JsonObject;
  return decodeStatusList(subject.encodedList);
}

function sameBits(a: BitstringStatusList, b: BitstringStatusList): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.getStatus(i) !== b.getStatus(i)) return false;
  return true;
}

// A synthetic subject of a type the first capable ministry issues, signed with a suite its active keys allow.
function probeRequest(issuer: Issuer): IssueRequest {
  const samples = fixtures as unknown as Record<string, Record<string, unknown>>;
  for (const ministry of issuer.listMinistries()) {
    const type = ministry.credentialTypes.find((t) => samples[t] !== undefined);
    if (!type) continue;
    const active = ministry.keys.filter((k) => k.validUntil === undefined).map((k) => k.keyType);
    const suite = active.includes('Ed25519') ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019';
    return { ministry: ministry.slug, type, subject: { ...samples[type] }, suite };
  }
  throw new TypeError('the restored store has no ministry that can issue a built-in credential type');
}
