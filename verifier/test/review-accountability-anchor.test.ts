// verifyAccountabilityLog's anchor is "a head hash kept elsewhere, so a cut tail shows too".
// It is compared with the LAST entry only: a head exported earlier, checked after the verifier
// has logged more presentations, is reported as tampering. (The issuer's audit chain matches
// the anchor at its own seq.) And the chain is unkeyed SHA-256: an edited log rehashed from the
// edit onward verifies.
import test from 'ava';
import { createAccountabilityLog, verifyAccountabilityLog } from '../src/index.js';

const asked = [{ type: 'DrivingLicence', fields: ['fullName'] }];

test('an anchor exported earlier still verifies a log that has grown since', (t) => {
  const log = createAccountabilityLog({ verifier: 'csgt.bocongan.gov.vn', now: () => new Date('2026-06-01T08:00:00Z') });
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  const exported = log.entries().at(-1)!.hash; // shipped to the anchor store
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  t.notThrows(() => verifyAccountabilityLog(log.entries(), { anchor: exported }));
});

test('an entry changed and the chain rehashed from there does not verify', (t) => {
  const log = createAccountabilityLog({ verifier: 'csgt.bocongan.gov.vn', now: () => new Date('2026-06-01T08:00:00Z') });
  log.record({ asked, purpose: ['Kiểm tra'], verified: true });
  log.record({ asked: [{ type: 'CitizenIdentityCard', fields: ['nationalIdNumber', 'fullName'] }], purpose: ['x'], verified: true });
  const entries = log.entries();
  // Hide that the national ID number was asked for, then recompute the (unkeyed) hashes.
  const forged = createAccountabilityLog({ verifier: 'csgt.bocongan.gov.vn', now: () => new Date(entries[1]!.at) });
  forged.record({ asked, purpose: ['Kiểm tra'], verified: true });
  forged.record({ asked, purpose: ['x'], verified: true });
  const rewritten = forged.entries().map((e, i) => (i === 0 ? entries[0]! : e));
  t.throws(() => verifyAccountabilityLog(rewritten));
});
