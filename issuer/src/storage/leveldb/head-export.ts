import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AuditHead } from '../contract.js';

/** The file beside `issuer.db/` that holds the last durable audit head this process saw. */
export const HEAD_EXPORT_FILE = 'audit-head.json';

/**
 * Keeps a copy of the durable audit head outside the LevelDB folder, so a
 * start can tell when LevelDB lost acknowledged writes (a damaged write-ahead
 * log is skipped silently on recovery, and what remains is a shorter but
 * self-consistent store). It is written after each durable commit,
 * coalesced (one write in flight, the newest head wins) and not synced:
 * after a crash it may lag behind the store, never run ahead of it, which
 * is all the start check needs. It guards against damage, not an attacker
 * with write access to the folder: that one is caught by the keyed chain
 * and a head exported off the machine (`verifyAuditLog({ anchor })`).
 */
export function createHeadExport(path: string) {
  let latest: AuditHead | undefined;
  let dirty = false;
  let writing: Promise<void> | undefined;
  const run = async () => {
    while (dirty) {
      dirty = false;
      const head = latest as AuditHead;
      try {
        await writeFile(`${path}.tmp`, JSON.stringify({ seq: head.seq, hash: head.hash }));
        await rename(`${path}.tmp`, path);
      } catch {
        // A missing or stale copy only weakens the start check; the store itself is durable.
      }
    }
    writing = undefined;
  };
  return {
    update(head: AuditHead): void {
      latest = head;
      dirty = true;
      writing ??= run();
    },
    /** Waits until the newest head is written. */
    async flush(): Promise<void> {
      while (writing) await writing;
    },
  };
}

/** The exported head, or undefined when there is none (a store made before this check, or never written). */
export async function readHeadExport(path: string): Promise<AuditHead | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const head = JSON.parse(text) as AuditHead;
    if (Number.isInteger(head.seq) && head.seq >= 0 && typeof head.hash === 'string') return head;
  } catch {
    // fall through: a torn copy is treated as damage, below
  }
  return { seq: Number.NaN, hash: '' };
}
