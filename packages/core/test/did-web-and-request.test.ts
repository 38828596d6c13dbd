import test from 'ava';
import { didWebFromHost, didWebToUrl, parsePresentationRequest } from '../src/index.js';

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;

test('did:web maps to its https URL; percent tricks, bad hosts and ports are MALFORMED_VALUE_ERROR', (t) => {
  t.is(didWebToUrl('did:web:bocongan.gov.vn').href, 'https://bocongan.gov.vn/.well-known/did.json');
  t.is(
    didWebToUrl('did:web:127.0.0.1%3A8080:bo-cong-an', { scheme: 'http' }).href,
    'http://127.0.0.1:8080/bo-cong-an/did.json',
  );
  t.is(didWebFromHost('127.0.0.1:8080', 'bhxh'), 'did:web:127.0.0.1%3A8080:bhxh');
  for (const bad of [
    'did:web:gov.example%40attacker.example',
    'did:web:gov.example%2Fattacker',
    'did:web:Gov.Example',
    'did:web:gov.example%3A99999',
    'did:web:gov.example%3A0',
    'did:web:gov.example:..',
    'did:key:z6Mk',
  ]) {
    t.is(codeOf(t.throws(() => didWebToUrl(bad))), 'MALFORMED_VALUE_ERROR', bad);
  }
});

test('a presentation request with a malformed trustedIssuer is MALFORMED_VALUE_ERROR, not a TypeError', (t) => {
  const request = (trustedIssuer: unknown) => ({
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: { example: { type: 'DrivingLicence', credentialSubject: { fullName: '' } }, trustedIssuer },
      },
    ],
    challenge: 'challenge-0001',
    domain: 'csgt.example.vn',
  });
  t.deepEqual(parsePresentationRequest(request([{ issuer: 'did:web:bocongan.gov.vn' }])).queries[0]?.trustedIssuers, [
    'did:web:bocongan.gov.vn',
  ]);
  for (const bad of ['did:web:bocongan.gov.vn', { issuer: 'x' }, [{ nope: 1 }], [null]]) {
    t.is(codeOf(t.throws(() => parsePresentationRequest(request(bad)))), 'MALFORMED_VALUE_ERROR', JSON.stringify(bad));
  }
});
