import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Issuer } from '../create-issuer.js';
import type { BatchResult } from '../issue-batch.js';
import type { IssueRequest } from '../lib/issue-core.js';
import { type BatchJournal, openBatchJournal, rowIdempotencyKey } from './batch-journal.js';
import { requestsFromCsv } from './csv-requests.js';
import type { CliIo } from './output.js';
import { UsageError } from './usage-error.js';

const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** What `issue-batch` reports at the end (also on stderr, for people). */
export interface BatchSummary {
  rows: number;
  issued: number;
  refused: number;
  /** Rows already in `--out` from an earlier, interrupted run (with `resume`), not issued again. */
  skipped: number;
  /** Rows not attempted because the run was interrupted (SIGINT): continue with `--resume`. */
  interrupted: number;
  /** Refusals per error code. */
  reasons: Record<string, number>;
  seconds: number;
}

/**
 * `issue-batch people.csv`: one issue request per CSV row, issued with the
 * library's batch (a bad row fails alone), one JSON line per row on stdout in
 * row order (`{ row, ok, id, credential }` or `{ row, ok: false, error }`),
 * a progress bar and a summary on stderr. With `out`, each row's line is
 * written to that file as soon as its result is final (an issued row once its
 * record is committed), so an interrupted run leaves every committed
 * credential on disk. A refusal carries its violations, each with the row
 * and the field (JSON pointer).
 *
 * With `out`, the file starts with a run header (see batch-journal.ts) and
 * every row is issued under an idempotency key of its run and row number.
 * `resume` continues an interrupted run in the same file: rows already
 * written are skipped, the others are issued again under the same keys, so a
 * row committed but killed before its line was written comes back as the
 * same credential, never a second one. A first SIGINT stops starting rows
 * (rows in flight finish and are written); a second one exits at once.
 */
export async function issueBatchFromCsv(
  issuer: Issuer,
  file: string,
  options: { ministry: string; type: string; suite?: IssueRequest['suite']; out?: string; resume?: boolean },
  io: CliIo,
): Promise<BatchSummary> {
  if (options.resume && !options.out) throw new UsageError('--resume needs --out (the file of the run to continue)');
  const started = process.hrtime.bigint();
  let bytes: Buffer;
  try {
    if ((await stat(file)).size > MAX_CSV_BYTES) throw new UsageError(`${file} is larger than 64 MiB: split it`);
    bytes = await readFile(file);
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
  }
  // Fails before any issuance for an unknown type (UNKNOWN_CREDENTIAL_TYPE) or ministry (UNKNOWN_MINISTRY).
  issuer.getMinistry(options.ministry);
  const parsed = requestsFromCsv(bytes.toString('utf8'), options);
  let journal: BatchJournal | undefined;
  if (options.out) {
    journal = openBatchJournal(
      options.out,
      {
        csvSha256: createHash('sha256').update(bytes).digest('hex'),
        ministry: options.ministry,
        type: options.type,
        ...(options.suite ? { suite: options.suite } : {}),
      },
      { resume: options.resume === true },
    );
  }
  const done = journal?.done ?? new Set<number>();
  const runId = journal?.header.runId;
  const valid = parsed.flatMap((p) =>
    'request' in p && !done.has(p.row)
      ? [
          {
            row: p.row,
            request: {
              ...p.request,
              ...(options.suite ? { suite: options.suite } : {}),
              ...(runId ? { idempotencyKey: rowIdempotencyKey(runId, p.row) } : {}),
            },
          },
        ]
      : [],
  );
  const pending = parsed.filter((p) => !done.has(p.row));
  const bar = io.errIsTTY
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'issuing [{bar}] {value}/{total} rows | {eta_formatted} left',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(parsed.length, parsed.length - valid.length);
  const base = parsed.length - valid.length;
  const lineOf = (row: number, result: BatchResult): string =>
    result.ok
      ? `${JSON.stringify({ row, ok: true, id: result.credential.id, credential: result.credential })}\n`
      : `${JSON.stringify({
          row,
          ok: false,
          error: {
            ...result.error,
            ...(result.error.violations
              ? { violations: result.error.violations.map((v) => ({ row, field: v.pointer, ...v })) }
              : {}),
          },
        })}\n`;
  // Synchronous writes: the line is in the file before the next result is handled, even on SIGKILL.
  const write = (row: number, result: BatchResult) => journal?.write(lineOf(row, result));
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    io.err('\ninterrupted: finishing the rows in flight (SIGINT again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let results: BatchResult[];
  try {
    for (const p of pending) if ('error' in p) write(p.row, { ok: false, error: p.error });
    results = await issuer.issueBatch(
      valid.map((v) => v.request),
      {
        onProgress: (p) => bar?.update(base + p.done),
        onResult: (i, result) => write((valid[i] as { row: number }).row, result),
        signal: stop.signal,
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
    journal?.close();
  }
  const byRow = new Map(valid.map((v, i) => [v.row, results[i] as BatchResult]));
  const summary: BatchSummary = {
    rows: parsed.length,
    issued: 0,
    refused: 0,
    skipped: parsed.length - pending.length,
    interrupted: 0,
    reasons: {},
    seconds: 0,
  };
  const refusals: string[] = [];
  for (const p of pending) {
    const result: BatchResult = 'error' in p ? { ok: false, error: p.error } : (byRow.get(p.row) as BatchResult);
    if (!result.ok && result.error.code === 'BATCH_INTERRUPTED') {
      summary.interrupted += 1;
      continue;
    }
    if (!journal) io.out(lineOf(p.row, result));
    if (result.ok) {
      summary.issued += 1;
    } else {
      summary.refused += 1;
      summary.reasons[result.error.code] = (summary.reasons[result.error.code] ?? 0) + 1;
      const fields = (result.error.violations ?? []).map((v) => `${v.pointer || '/'} ${v.code}`);
      if (refusals.length < 50) {
        refusals.push(
          `  row ${p.row}: ${result.error.code}${fields.length > 0 ? ` — ${fields.join(', ')}` : ` — ${result.error.message}`}`,
        );
      }
    }
  }
  summary.seconds = Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000;
  const lines = [
    `issue-batch: ${summary.rows} rows in ${summary.seconds.toFixed(1)} s — issued ${summary.issued}, refused ${summary.refused}` +
      (summary.skipped > 0 ? `, already in ${options.out} ${summary.skipped}` : '') +
      (summary.interrupted > 0
        ? `, not attempted ${summary.interrupted} (interrupted: ${journal ? 'continue with --resume' : 'without --out a run cannot be resumed'})`
        : ''),
    ...Object.entries(summary.reasons)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, n]) => `  refused ${code}: ${n}`),
    ...refusals,
  ];
  io.err(`${lines.join('\n')}\n`);
  return summary;
}
