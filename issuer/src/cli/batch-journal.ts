import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { VneidError } from '@vneid/core';
import { UsageError } from './usage-error.js';

/** The first line's `format`: an `issue-batch --out` file that `--resume` can continue. */
export const BATCH_JOURNAL_FORMAT = 'vneid-issue-batch/1';

/** The first line of an `--out` file: which run, over which CSV, with which settings. */
export interface BatchRunHeader {
  format: typeof BATCH_JOURNAL_FORMAT;
  /** Random per run; every row's idempotency key carries it. */
  runId: string;
  /** SHA-256 (hex) of the CSV file's bytes: a resume over another file is refused. */
  csvSha256: string;
  ministry: string;
  type: string;
  suite?: string;
  startedAt: string;
}

/** An open `--out` file: the run it belongs to and the rows it already holds. */
export interface BatchJournal {
  header: BatchRunHeader;
  /** Rows with a result line (issued or refused): a resumed run skips them. */
  done: Set<number>;
  /** Appends one line in a single synchronous write: it is in the file before the next result is handled. */
  write(line: string): void;
  close(): void;
}

/**
 * The idempotency key of one row of one run. A row issued but not yet
 * written when the run was killed comes back, on `--resume`, as the same
 * credential: the issuer stored the key with the issuance, in the same
 * commit. The issuer also keeps the digest of the row's request under the
 * key, so a row whose content changed is refused (IDEMPOTENCY_KEY_REUSED)
 * rather than issued a second time.
 */
export function rowIdempotencyKey(runId: string, row: number): string {
  return `issue-batch:${runId}:${row}`;
}

function mismatch(message: string): VneidError {
  return new VneidError('BATCH_RESUME_MISMATCH', message, { details: { field: '--resume' } });
}

/**
 * Opens `file` for a run. A new run writes the header line first, before
 * anything is issued, so any later kill leaves a file `--resume` can
 * continue; an existing run is refused without `resume` (its lines would be
 * lost). With `resume`, the header must describe the same CSV, ministry,
 * type and suite; a last line cut by a kill is truncated away (its row is
 * issued again under the same key, so it comes back as the same credential).
 *
 * @throws {VneidError} BATCH_RESUME_MISMATCH when the file is not a run of this CSV and these options.
 * @throws {UsageError} when the file cannot be read or written, or holds a run and `resume` is off.
 */
export function openBatchJournal(
  file: string,
  run: Omit<BatchRunHeader, 'format' | 'runId' | 'startedAt'>,
  options: { resume: boolean; now?: () => Date },
): BatchJournal {
  let existing: Buffer | undefined;
  try {
    existing = statSync(file).size > 0 ? readFileSync(file) : undefined;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
    }
  }
  if (existing && !options.resume) {
    throw new UsageError(`${file} already holds a run: continue it with --resume, or write to another file`);
  }
  let fd: number;
  try {
    fd = openSync(file, existing ? 'r+' : 'w', 0o600);
  } catch (cause) {
    throw new UsageError(`cannot write ${file}: ${(cause as Error).message}`);
  }
  try {
    let header: BatchRunHeader;
    const done = new Set<number>();
    let position = 0;
    if (existing) {
      // Complete lines only: a kill can cut the last one.
      const end = existing.lastIndexOf(0x0a) + 1;
      const lines = existing.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
      header = parseHeader(lines[0], file);
      for (const key of ['csvSha256', 'ministry', 'type', 'suite'] as const) {
        if (header[key] !== run[key]) {
          throw mismatch(`${file} is a run with another ${key === 'csvSha256' ? 'CSV file' : key}: not resumed`);
        }
      }
      for (const line of lines.slice(1)) {
        let row: unknown;
        try {
          row = (JSON.parse(line) as { row?: unknown }).row;
        } catch {
          throw mismatch(`${file} holds a line that is not JSON: not resumed`);
        }
        if (typeof row === 'number') done.add(row);
      }
      ftruncateSync(fd, end);
      position = end;
    } else {
      header = {
        format: BATCH_JOURNAL_FORMAT,
        runId: randomUUID(),
        ...run,
        startedAt: (options.now?.() ?? new Date()).toISOString(),
      };
      position += writeSync(fd, `${JSON.stringify(header)}\n`, position);
    }
    return {
      header,
      done,
      write(line) {
        position += writeSync(fd, line, position);
      },
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function parseHeader(line: string | undefined, file: string): BatchRunHeader {
  let header: Partial<BatchRunHeader> | undefined;
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as Partial<BatchRunHeader>);
  } catch {
    header = undefined;
  }
  if (
    !header ||
    header.format !== BATCH_JOURNAL_FORMAT ||
    typeof header.runId !== 'string' ||
    !/^[0-9a-f-]{36}$/.test(header.runId)
  ) {
    throw mismatch(`${file} does not start with an issue-batch run header: not resumed`);
  }
  return header as BatchRunHeader;
}
