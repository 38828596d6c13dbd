import { MalformedValueError } from '@vneid/core';
import type { Request, Response } from 'express';
import type { StatusAction } from '../change-status.js';
import type { Issuer } from '../create-issuer.js';
import { unknownCredential } from '../storage/errors.js';

const ACTIONS = new Set<StatusAction>(['revoke', 'suspend', 'reinstate']);

/**
 * POST /credentials/status: `{ credentialId, action: 'revoke'|'suspend'|'reinstate', reason? }`
 * → 200 `{ credentialId, state }`. Only the issuing ministry's key may change a credential;
 * another ministry's id answers exactly like an unknown one (404 UNKNOWN_CREDENTIAL).
 */
export function statusRoute(issuer: Issuer) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = req.body as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new MalformedValueError('body must be { credentialId, action, reason? }');
    }
    const { credentialId, action, reason } = body;
    if (typeof credentialId !== 'string' || credentialId.length === 0 || credentialId.length > 200) {
      throw new MalformedValueError('credentialId must be a credential id', { details: { pointer: '/credentialId' } });
    }
    if (typeof action !== 'string' || !ACTIONS.has(action as StatusAction)) {
      throw new MalformedValueError('action must be revoke, suspend or reinstate', { details: { pointer: '/action' } });
    }
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 200)) {
      throw new MalformedValueError('reason must be a string of at most 200 characters', {
        details: { pointer: '/reason' },
      });
    }
    res.locals.action = action;
    const record = await issuer.getRecord(credentialId);
    // For metrics and the access log only (never in the answer).
    res.locals.credentialType = record.type;
    if (record.ministry !== res.locals.ministry) {
      // The same answer as an unknown id: a key must not learn which ids another ministry issued.
      res.locals.securityEvent = { kind: 'cross-ministry-refused', data: { owner: record.ministry, action } };
      throw unknownCredential(credentialId);
    }
    const change =
      action === 'revoke'
        ? await issuer.revoke(credentialId, reason)
        : action === 'suspend'
          ? await issuer.suspend(credentialId, reason)
          : await issuer.reinstate(credentialId, reason);
    res.json({ credentialId: change.credentialId, state: change.state });
  };
}
