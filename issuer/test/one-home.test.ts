// Issue 12 §2 "One home for each fact", the issuer's part.
import * as core from '@vneid/core';
import test from 'ava';
import * as issuerLibrary from '../src/index.js';
import * as issueCore from '../src/lib/issue-core.js';

test('the issuer picks ecdsa-sd-2023 mandatory pointers with core’s mandatoryPointersFor, not a copy', (t) => {
  t.is(issueCore.mandatoryPointersFor, core.mandatoryPointersFor);
  // The copy's semantics differed: a key holding `undefined` is not in the JSON that is signed.
  t.deepEqual(core.mandatoryPointersFor({ issuer: 'did:example:x', validUntil: undefined }), ['/issuer']);
});

test('the issuer’s library index does not export the service’s main()', (t) => {
  t.false('main' in issuerLibrary, 'importing the library must not offer to start the service');
  t.is(typeof issuerLibrary.createIssuer, 'function');
});
