import test from 'ava';
import {
  BITSTRING_STATUS_LIST_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  generateKeyPair,
  MULTIKEY_V1_CONTEXT_URL,
} from '../src/index.js';

const loader = createDocumentLoader();

test('the bundled W3C contexts load without a network', async (t) => {
  for (const url of [
    CREDENTIALS_V2_CONTEXT_URL,
    DATA_INTEGRITY_V2_CONTEXT_URL,
    MULTIKEY_V1_CONTEXT_URL,
    BITSTRING_STATUS_LIST_V1_CONTEXT_URL,
  ]) {
    const { document, documentUrl } = await loader(url);
    t.is(documentUrl, url);
    t.truthy(document['@context']);
  }
});

test('an unknown URL is refused with CONTEXT_NOT_ALLOWED naming the URL', async (t) => {
  const error = await t.throwsAsync(loader('https://evil.example/ctx'));
  t.is((error as { code?: string }).code, 'CONTEXT_NOT_ALLOWED');
  t.regex(error!.message, /evil\.example/);
});

test('a caller mutating a loaded context does not change it for others', async (t) => {
  const first = await loader(CREDENTIALS_V2_CONTEXT_URL);
  (first.document as Record<string, unknown>)['@context'] = { injected: 'x' };
  const second = await loader(CREDENTIALS_V2_CONTEXT_URL);
  t.not((second.document as Record<string, Record<string, unknown>>)['@context']!.injected, 'x');
});

test('a did:key and its verification method resolve offline', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const did = await loader(key.controller);
  t.is(did.document.id, key.controller);
  const vm = await loader(key.id);
  t.is(vm.document.publicKeyMultibase, key.publicKeyMultibase);
  t.is(vm.document.type, 'Multikey');
});

test('a malformed did:key is DID_NOT_FOUND', async (t) => {
  const error = await t.throwsAsync(loader('did:key:z6MkNOTAKEY'));
  t.is((error as { code?: string }).code, 'DID_NOT_FOUND');
});

test('a did:web resolves only from the documents handed to the resolver', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-256', controller: 'did:web:bocongan.gov.vn' });
  const doc = createDidDocument({ did: 'did:web:bocongan.gov.vn', verificationMethods: [key] });
  const withDoc = createDocumentLoader({ resolver: createOfflineDidResolver({ documents: [doc] }) });
  t.is((await withDoc('did:web:bocongan.gov.vn')).document.id, 'did:web:bocongan.gov.vn');
  t.is((await withDoc(key.id)).document.publicKeyMultibase, key.publicKeyMultibase);
  const error = await t.throwsAsync(withDoc('did:web:attacker.example'));
  t.is((error as { code?: string }).code, 'DID_NOT_FOUND');
  const missingVm = await t.throwsAsync(withDoc('did:web:bocongan.gov.vn#nope'));
  t.is((missingVm as { code?: string }).code, 'DID_NOT_FOUND');
});
