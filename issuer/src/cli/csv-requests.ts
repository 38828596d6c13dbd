import type { ErrorCode } from '@vneid/core';
import { getCredentialType } from '@vneid/schemas';
import { parse } from 'csv-parse/sync';
import type { IssueRequest } from '../lib/issue-core.js';
import { UsageError } from './usage-error.js';

/** One data row of a batch CSV: the request it became, or why it could not become one. */
export type CsvRequest =
  | { row: number; request: IssueRequest }
  | { row: number; error: { code: ErrorCode; message: string } };

/** Columns that set the credential's envelope, not its subject. */
const ENVELOPE = new Set(['holder', 'validFrom', 'validUntil']);
// Letters and digits only (so never `__proto__` or `constructor.prototype`
// through a dotted path); numeric segments index arrays.
const HEADER = /^[A-Za-z][A-Za-z0-9]{0,63}(\.(?:[A-Za-z][A-Za-z0-9]{0,63}|\d{1,2}))*$/;
const MAX_COLUMNS = 128;
const MAX_ROWS = 100_000;

type SchemaNode = { type?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode };

/** The JSON Schema type at a dotted path of the subject schema, for coercing cells. */
function leafType(schema: SchemaNode, segments: string[]): string | undefined {
  let node: SchemaNode | undefined = schema;
  for (const segment of segments) {
    if (node === undefined) return undefined;
    node = /^\d+$/.test(segment) ? node.items : node.properties?.[segment];
  }
  return node?.type;
}

/** Integers and booleans are typed in the subject schema; a cell that is not one stays text and the schema reports it. */
function coerce(cell: string, type: string | undefined): unknown {
  if (type === 'integer' && /^-?\d{1,15}$/.test(cell)) return Number(cell);
  if (type === 'boolean' && (cell === 'true' || cell === 'false')) return cell === 'true';
  return cell;
}

function setPath(target: Record<string, unknown>, segments: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const key: string | number = /^\d+$/.test(segment) ? Number(segment) : segment;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[key] = value;
      return;
    }
    if (container[key] === undefined) container[key] = /^\d+$/.test(segments[i + 1] as string) ? [] : {};
    node = container[key] as Record<string, unknown> | unknown[];
  }
}

/** Drops the holes left by empty optional array items (`licenceClasses.1.*` all empty). */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = compact(v);
  }
  return value;
}

/**
 * Turns a CSV with a header row into issue requests, one per data row. Header
 * names are subject fields; nested fields use dots (`initialHealthFacility.facilityCode`),
 * array items an index (`licenceClasses.0.licenceClass`); `holder`,
 * `validFrom` and `validUntil` set the envelope. Empty cells are left out.
 * Cells are typed by the credential type's JSON Schema (integers, booleans);
 * everything else is validated by the issuer, row by row.
 *
 * @throws {UsageError} for a CSV that cannot be parsed, a bad header, or too many rows or columns.
 */
export function requestsFromCsv(text: string, options: { ministry: string; type: string }): CsvRequest[] {
  const schema = getCredentialType(options.type).subjectSchema as SchemaNode;
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (cause) {
    throw new UsageError(`the CSV cannot be parsed: ${(cause as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) throw new UsageError('the CSV has no header row');
  if (header.length > MAX_COLUMNS) throw new UsageError(`the CSV has more than ${MAX_COLUMNS} columns`);
  if (rows.length > MAX_ROWS) throw new UsageError(`the CSV has more than ${MAX_ROWS} rows: split it`);
  const bad = header.find((h) => !HEADER.test(h));
  if (bad !== undefined) throw new UsageError(`bad column name ${JSON.stringify(bad.slice(0, 80))}`);
  if (new Set(header).size !== header.length) throw new UsageError('the CSV repeats a column name');
  return rows.map((cells, i) => {
    const row = i + 1;
    if (cells.length !== header.length) {
      return {
        row,
        error: { code: 'MALFORMED_VALUE_ERROR', message: `row has ${cells.length} cells, the header ${header.length}` },
      };
    }
    const subject: Record<string, unknown> = {};
    const request: IssueRequest = { ministry: options.ministry, type: options.type, subject };
    for (const [c, name] of header.entries()) {
      const cell = cells[c] as string;
      if (cell === '') continue;
      if (ENVELOPE.has(name)) {
        request[name as 'holder' | 'validFrom' | 'validUntil'] = cell;
        continue;
      }
      const segments = name.split('.');
      setPath(subject, segments, coerce(cell, leafType(schema, segments)));
    }
    compact(subject);
    return { row, request };
  });
}
