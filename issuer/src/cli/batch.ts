import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Issuer } from '../create-issuer.js';
import type { BatchResult } from '../issue-batch.js';
import type { IssueRequest } from '../lib/issue-core.js';
import { requestsFromCsv } from './csv-requests.js';
import type { CliIo } from './output.js';
import { UsageError } from './usage-error.js';

const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** What `issue-batch` reports at the end (also on stderr, for people). */
export interface BatchSummary {
  rows: number;
  issued: number;
  refused: number;
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
 * Seam for `--resume`: rows whose line is already in `out` would be skipped,
 * and every row would carry an idempotency key (`row` + file digest) passed to
 * `issuer.issue({ idempotencyKey })` so that a row committed but not yet
 * written is not issued twice; that option belongs to the storage layer.
 */
export async function issueBatchFromCsv(
  issuer: Issuer,
  file: string,
  options: { ministry: string; type: string; suite?: IssueRequest['suite']; out?: string },
  io: CliIo,
): Promise<BatchSummary> {
  const started = process.hrtime.bigint();
  let text: string;
  try {
    if ((await stat(file)).size > MAX_CSV_BYTES) throw new UsageError(`${file} is larger than 64 MiB: split it`);
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
  }
  // Fails before any issuance for an unknown type (UNKNOWN_CREDENTIAL_TYPE) or ministry (UNKNOWN_MINISTRY).
  issuer.getMinistry(options.ministry);
  const parsed = requestsFromCsv(text, options);
  const valid = parsed.flatMap((p) =>
    'request' in p ? [{ row: p.row, request: options.suite ? { ...p.request, suite: options.suite } : p.request }] : [],
  );
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
  let fd: number | undefined;
  if (options.out) {
    try {
      fd = openSync(options.out, 'w', 0o600);
    } catch (cause) {
      throw new UsageError(`cannot write ${options.out}: ${(cause as Error).message}`);
    }
  }
  // Synchronous writes: the line is in the file before the next result is handled, even on SIGKILL.
  const write = (row: number, result: BatchResult) => {
    if (fd !== undefined) writeSync(fd, lineOf(row, result));
  };
  for (const p of parsed) if ('error' in p) write(p.row, { ok: false, error: p.error });
  let results: BatchResult[];
  try {
    results = await issuer.issueBatch(
      valid.map((v) => v.request),
      {
        onProgress: (p) => bar?.update(parsed.length - valid.length + p.done),
        onResult: (i, result) => write((valid[i] as { row: number }).row, result),
      },
    );
  } finally {
    bar?.stop();
    if (fd !== undefined) closeSync(fd);
  }
  const byRow = new Map(valid.map((v, i) => [v.row, results[i] as BatchResult]));
  const summary: BatchSummary = { rows: parsed.length, issued: 0, refused: 0, reasons: {}, seconds: 0 };
  const refusals: string[] = [];
  for (const p of parsed) {
    const result: BatchResult = 'error' in p ? { ok: false, error: p.error } : (byRow.get(p.row) as BatchResult);
    if (fd === undefined) io.out(lineOf(p.row, result));
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
    `issue-batch: ${summary.rows} rows in ${summary.seconds.toFixed(1)} s — issued ${summary.issued}, refused ${summary.refused}`,
    ...Object.entries(summary.reasons)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, n]) => `  refused ${code}: ${n}`),
    ...refusals,
  ];
  io.err(`${lines.join('\n')}\n`);
  return summary;
}
