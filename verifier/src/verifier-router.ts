import { type ErrorCode, parseJsonSafely, toVneidError } from '@vneid/core';
import express, { type Request, type Response, type Router } from 'express';
import { type ChallengeStore, createUsedChallengeStore } from './challenge-store.js';
import { messageFor } from './lib/messages.js';
import type { CommonVerifyOptions } from './lib/options.js';
import { CHECK_NAMES, type CheckName, type VerificationReport } from './types.js';
import { verifyCredential } from './verify-credential.js';
import { verifyPresentation } from './verify-presentation.js';

/** Options of `createVerifierRouter`. */
export interface VerifierRouterOptions
  extends Pick<
    CommonVerifyOptions,
    | 'bundle'
    | 'statusCache'
    | 'policy'
    | 'profile'
    | 'onUnknown'
    | 'clockSkewSeconds'
    | 'statusMaxAgeSeconds'
    | 'bundleMaxAgeSeconds'
    | 'extraContexts'
  > {
  /** The clock: a fixed Date or a function read at each request (default: the system clock). */
  now?: Date | (() => Date);
  /** When given, presentation challenges must come from it and are single-use. Default: a store of used challenges of this router (any challenge, once). */
  challengeStore?: ChallengeStore;
  /** Explicit opt-out of single-use challenges. Default false. */
  allowReplay?: boolean;
  /** Request body cap in bytes (default 256 KiB, the credential input limit). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 256 * 1024;

function malformed(res: Response, code: ErrorCode, message: string): void {
  const report: VerificationReport = {
    verified: false,
    status: 'not-verified',
    checks: [],
    errors: [{ code, message }],
    warnings: [],
    credentials: [],
  };
  res.status(400).json(report);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A W3C VC API verifier router: `POST /credentials/verify` and
 * `POST /presentations/verify`. 200 with the report when verified, 422 with
 * it when not, 400 for a malformed body. Bodies are read raw and parsed with
 * core's `parseJsonSafely` (size, depth, prototype keys), never `express.json`.
 * `options.checks` narrows the checks run. The `integrity-only` policy must
 * be chosen explicitly.
 *
 * @example
 * app.use('/verifier', createVerifierRouter({ bundle: loaded, statusCache }));
 * Codes in reports: those of verifyCredential and verifyPresentation; 400 bodies carry
 * UNSAFE_JSON, INPUT_LIMIT_EXCEEDED or MALFORMED_VALUE_ERROR.
 * @throws {TypeError} at creation for a bundle not from loadTrustBundle or a missing cache.
 * @see https://w3c-ccg.github.io/vc-api/#verify-credential
 */
export function createVerifierRouter(options: VerifierRouterOptions): Router {
  if (!options?.bundle || !options.statusCache) throw new TypeError('bundle and statusCache are required');
  const policy = options.policy ?? 'trust-bundle';
  const fixed = options.now;
  const clock = typeof fixed === 'function' ? fixed : fixed instanceof Date ? () => fixed : () => new Date();
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const challengeStore =
    options.allowReplay === true ? undefined : (options.challengeStore ?? createUsedChallengeStore());
  const router = express.Router();
  // One extra byte over the JSON limit so that an oversized body reaches our
  // parser and gets its INPUT_LIMIT_EXCEEDED code rather than a bare 413.
  router.use(express.raw({ type: () => true, limit: maxBytes + 1 }));

  const common = (): CommonVerifyOptions => ({
    bundle: options.bundle,
    statusCache: options.statusCache,
    now: clock(),
    policy,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.onUnknown ? { onUnknown: options.onUnknown } : {}),
    ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
    ...(options.statusMaxAgeSeconds !== undefined ? { statusMaxAgeSeconds: options.statusMaxAgeSeconds } : {}),
    ...(options.bundleMaxAgeSeconds !== undefined ? { bundleMaxAgeSeconds: options.bundleMaxAgeSeconds } : {}),
    ...(options.extraContexts ? { extraContexts: options.extraContexts } : {}),
  });

  const readBody = (req: Request, res: Response): Record<string, unknown> | undefined => {
    const raw = req.body;
    let body: unknown;
    try {
      const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : JSON.stringify(raw);
      body = parseJsonSafely(text ?? '', { maxBytes });
    } catch (error) {
      const e = toVneidError(error, 'MALFORMED_VALUE_ERROR', 'malformed body');
      malformed(res, e.code, e.message);
      return undefined;
    }
    if (!isObject(body)) {
      malformed(res, 'MALFORMED_VALUE_ERROR', 'the body must be a JSON object');
      return undefined;
    }
    return body;
  };

  const readChecks = (opts: Record<string, unknown>, res: Response): CheckName[] | undefined | false => {
    if (opts.checks === undefined) return undefined;
    if (!Array.isArray(opts.checks) || !opts.checks.every((c) => (CHECK_NAMES as readonly unknown[]).includes(c))) {
      malformed(res, 'MALFORMED_VALUE_ERROR', `options.checks must list names among: ${CHECK_NAMES.join(', ')}`);
      return false;
    }
    return opts.checks as CheckName[];
  };

  const send = (res: Response, report: VerificationReport) => {
    res.status(report.verified ? 200 : 422).json(report);
  };

  router.post('/credentials/verify', async (req, res) => {
    const body = readBody(req, res);
    if (!body) return;
    const opts = isObject(body.options) ? body.options : {};
    const checks = readChecks(opts, res);
    if (checks === false) return;
    if (body.verifiableCredential === undefined) {
      malformed(res, 'MALFORMED_VALUE_ERROR', 'verifiableCredential is required');
      return;
    }
    send(res, await verifyCredential(body.verifiableCredential, { ...common(), ...(checks ? { checks } : {}) }));
  });

  router.post('/presentations/verify', async (req, res) => {
    const body = readBody(req, res);
    if (!body) return;
    const opts = isObject(body.options) ? body.options : {};
    const checks = readChecks(opts, res);
    if (checks === false) return;
    const { challenge, domain } = opts;
    if (body.verifiablePresentation === undefined) {
      malformed(res, 'MALFORMED_VALUE_ERROR', 'verifiablePresentation is required');
      return;
    }
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 256) {
      malformed(res, 'MALFORMED_VALUE_ERROR', 'options.challenge is required');
      return;
    }
    if (typeof domain !== 'string' || domain.length === 0 || domain.length > 253) {
      malformed(res, 'MALFORMED_VALUE_ERROR', 'options.domain is required');
      return;
    }
    const report = await verifyPresentation(body.verifiablePresentation, {
      ...common(),
      ...(checks ? { checks } : {}),
      challenge,
      domain,
      ...(challengeStore ? { challengeStore } : { allowReplay: true }),
    });
    send(res, report);
  });

  // express.raw's own errors (body too large, bad encoding) as 400 reports.
  router.use((error: unknown, _req: Request, res: Response, _next: unknown) => {
    const status = (error as { status?: number }).status;
    if (status === 413) malformed(res, 'INPUT_LIMIT_EXCEEDED', 'request body too large');
    else if (status && status >= 400 && status < 500) malformed(res, 'MALFORMED_VALUE_ERROR', 'malformed request');
    else {
      const report: VerificationReport = {
        verified: false,
        status: 'not-verified',
        checks: [],
        errors: [{ code: 'PROOF_VERIFICATION_ERROR', message: messageFor('proof', 'invalid').en }],
        warnings: [],
        credentials: [],
      };
      res.status(500).json(report);
    }
  });
  return router;
}
