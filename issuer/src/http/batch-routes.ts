import {
  DEFAULT_JSON_LIMITS,
  InputLimitError,
  type JsonObject,
  MalformedValueError,
  parseJsonSafely,
  VneidError,
} from '@vneid/core';
import type { Express, NextFunction, Request, Response } from 'express';
import type { BatchRunner } from './batch-runner.js';
import { readCapped } from './body.js';

/** Size caps of a batch submission. */
export interface BatchLimits {
  /** Items in one batch; default 1000. */
  maxItems: number;
  /** Bytes of the whole body; default 16 MiB. */
  maxBytes: number;
  /** Bytes of one item (as for a single issue request); default 256 KiB. */
  maxItemBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxItems: 1000,
  maxBytes: 16 * 1024 * 1024,
  maxItemBytes: 256 * 1024,
};

const JSONL = ['application/jsonl', 'application/x-ndjson', 'application/x-jsonlines'];

function tooMany(limits: BatchLimits): never {
  throw new InputLimitError(`a batch holds at most ${limits.maxItems} items`, {
    details: { limit: 'maxItems', maxItems: limits.maxItems },
  });
}

// Each item must pass the limits of a single request body, whatever the batch's.
function checkItem(value: unknown, pointer: string, limits: BatchLimits): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedValueError('each batch item is an object { credential, options?, idempotencyKey? }', {
      details: { pointer },
    });
  }
  try {
    parseJsonSafely(JSON.stringify(value), { maxBytes: limits.maxItemBytes });
  } catch (error) {
    if (error instanceof VneidError && error.details)
      error.details.pointer = `${pointer}${error.details.pointer ?? ''}`;
    throw error;
  }
  return value as JsonObject;
}

/**
 * Parses a batch body: a JSON array, or JSON lines (one item per line), of
 * issue requests as POST /credentials/issue takes them, each with an
 * optional `idempotencyKey`. The body and item count are capped before
 * and while parsing; prototype keys and over-deep items are refused.
 */
export function parseBatch(text: string, json: boolean, limits: BatchLimits): JsonObject[] {
  if (json) {
    const value = parseJsonSafely(text, {
      maxBytes: limits.maxBytes,
      maxArrayLength: Math.max(DEFAULT_JSON_LIMITS.maxArrayLength, limits.maxItems + 1),
      maxKeys: DEFAULT_JSON_LIMITS.maxKeys * (limits.maxItems + 1),
      maxDepth: DEFAULT_JSON_LIMITS.maxDepth + 1,
    });
    if (!Array.isArray(value)) throw new MalformedValueError('the body must be a JSON array of issue requests');
    if (value.length > limits.maxItems) tooMany(limits);
    return value.map((item, i) => checkItem(item, `/${i}`, limits));
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > limits.maxItems) tooMany(limits);
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = parseJsonSafely(line, { maxBytes: limits.maxItemBytes });
    } catch (error) {
      if (error instanceof VneidError && error.code === 'UNSAFE_JSON' && error.cause instanceof SyntaxError) {
        throw new MalformedValueError(`line ${i + 1} is not valid JSON`, { details: { pointer: `/${i}` } });
      }
      throw error;
    }
    return checkItem(value, `/${i}`, limits);
  });
}

/**
 * POST /credentials/batches → 202 with the batch's progress and its
 * `Location`; GET /credentials/batches/:id → progress; GET
 * /credentials/batches/:id/results → each item's credential or problem.
 * `auth` and `limit` are the ministry API key check and the rate limit (a
 * submission counts as one request).
 */
export function mountBatchRoutes(
  app: Express,
  runner: BatchRunner,
  guards: Array<(req: Request, res: Response, next: NextFunction) => unknown>,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): void {
  const named = (name: string) => (_req: Request, res: Response, next: NextFunction) => {
    res.locals.routeName = 'batch';
    res.locals.action = name;
    next();
  };
  app.post('/credentials/batches', named('batch.submit'), ...guards, async (req: Request, res: Response) => {
    const json = Boolean(req.is('application/json'));
    if (!json && !req.is(JSONL)) {
      throw new VneidError('UNSUPPORTED_MEDIA_TYPE', 'a batch is application/json (an array) or application/jsonl');
    }
    if (Number(req.get('content-length') ?? 0) > limits.maxBytes) {
      res.setHeader('Connection', 'close');
      throw new InputLimitError(`body larger than ${limits.maxBytes} bytes`, { details: { limit: 'maxBytes' } });
    }
    const body = await readCapped(req, limits.maxBytes);
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      throw new InputLimitError(`body larger than ${limits.maxBytes} bytes`, { details: { limit: 'maxBytes' } });
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (cause) {
      throw new MalformedValueError('the body is not UTF-8', { cause });
    }
    let items: JsonObject[];
    try {
      items = parseBatch(text, json, limits);
    } catch (error) {
      if (error instanceof VneidError && error.code === 'UNSAFE_JSON' && error.cause instanceof SyntaxError) {
        throw new MalformedValueError('the body is not valid JSON');
      }
      throw error;
    }
    if (items.length === 0) throw new MalformedValueError('a batch holds at least one item');
    const progress = await runner.submit(res.locals.ministry as string, items);
    res.setHeader('Location', `/credentials/batches/${progress.id}`);
    res.status(202).json(progress);
  });
  app.get('/credentials/batches/:id', named('batch.progress'), ...guards, async (req: Request, res: Response) => {
    res.json(await runner.progress(String(req.params.id), res.locals.ministry as string));
  });
  app.get(
    '/credentials/batches/:id/results',
    named('batch.results'),
    ...guards,
    async (req: Request, res: Response) => {
      const { progress, results } = await runner.results(String(req.params.id), res.locals.ministry as string);
      res.json({ ...progress, results });
    },
  );
}
