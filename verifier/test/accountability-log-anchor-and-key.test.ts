// The accountability log's anchor is a head hash exported earlier and kept elsewhere: it is
// matched at its own entry (a log that grew since still verifies; a cut tail does not). With a
// key the verifier holds, the chain is an HMAC chain: an entry rewritten and rehashed from there
// does not verify. Without a key only internal consistency is checked (documented).
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { createAccountabilityLog, verifyAccountabilityLog } from '../src/index.js';

const asked = [{ type: 'DrivingLicence', fields: ['fullName'] }];
const VERIFIER = 'csgt.bocongan.gov.vn';
const at = () => new Date('2026-06-01T08:00:00Z');
const codeOf = (e: unknown) => (e as { code?: string }).code;

test('an anchor exported earlier verifies a log that has grown since; an anchor not in the log is TAMPERED', (t) => {
  const log = createAccountabilityLog({ verifier: VERIFIER, now: at });
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  const exported = log.entries().at(-1)!.hash; // shipped to the anchor store
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  log.record({ asked, purpose: ['Kiểm tra'], verified: false });
  t.notThrows(() => verifyAccountabilityLog(log.entries(), { anchor: exported }));
  t.notThrows(() => verifyAccountabilityLog(log.entries(), { anchor: log.entries().at(-1)!.hash }));
  // Twins: a log cut before the anchored entry, and an anchor from another log.
  const later = log.entries().at(-1)!.hash;
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(log.entries().slice(0, 2), { anchor: later }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(log.entries(), { anchor: 'f'.repeat(64) }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
});

function rewrite(entries: ReturnType<ReturnType<typeof createAccountabilityLog>['entries']>, key?: Uint8Array) {
  // Hide that the national ID number was asked for, then recompute the hashes from there on.
  const forged = createAccountabilityLog({
    verifier: VERIFIER,
    now: () => new Date(entries[1]!.at),
    ...(key ? { key } : {}),
  });
  forged.record({ asked, purpose: ['Kiểm tra'], verified: true });
  forged.record({ asked, purpose: ['x'], verified: true });
  return forged.entries().map((e, i) => (i === 0 ? entries[0]! : e));
}

test('with a key, an entry changed and the chain rehashed from there does not verify; the genuine log does', (t) => {
  const key = randomBytes(32);
  const log = createAccountabilityLog({ verifier: VERIFIER, now: at, key });
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  log.record({
    asked: [{ type: 'CitizenIdentityCard', fields: ['nationalIdNumber', 'fullName'] }],
    purpose: ['x'],
    verified: true,
  });
  const entries = log.entries();
  t.notThrows(() => verifyAccountabilityLog(entries, { key }));
  // Rehashed without the key (unkeyed, or with a guessed key): refused at the first rewritten entry.
  const unkeyed = t.throws(() => verifyAccountabilityLog(rewrite(entries), { key }));
  t.is(codeOf(unkeyed), 'ACCOUNTABILITY_LOG_TAMPERED');
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(rewrite(entries, randomBytes(32)), { key }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
  // The genuine log does not verify under another key either, nor as an unkeyed log.
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(entries, { key: randomBytes(32) }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
  t.is(codeOf(t.throws(() => verifyAccountabilityLog(entries))), 'ACCOUNTABILITY_LOG_TAMPERED');
  t.throws(() => createAccountabilityLog({ verifier: VERIFIER, key: randomBytes(8) }), { instanceOf: TypeError });
});

test('without a key only internal consistency is checked: a rehashed rewrite is caught only by an anchor', (t) => {
  const log = createAccountabilityLog({ verifier: VERIFIER, now: at });
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  log.record({
    asked: [{ type: 'CitizenIdentityCard', fields: ['nationalIdNumber', 'fullName'] }],
    purpose: ['x'],
    verified: true,
  });
  const entries = log.entries();
  const rewritten = rewrite(entries);
  t.notThrows(() => verifyAccountabilityLog(rewritten));
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(rewritten, { anchor: entries[1]!.hash }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
});
