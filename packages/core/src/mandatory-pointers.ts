/**
 * Claims an issuer always makes mandatory in ecdsa-sd-2023 credentials: a
 * holder can never hide who issued the document, what it is, when it is
 * valid, where its status is published or whose it is. Issuers include those
 * present in the credential; verifiers refuse a derived credential without them.
 */
export const MANDATORY_POINTERS: readonly string[] = Object.freeze([
  '/issuer',
  '/type',
  '/validFrom',
  '/validUntil',
  '/credentialStatus',
  '/credentialSchema',
  '/credentialSubject/id',
]);

function resolve(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let node: unknown = doc;
  if (pointer === '') return { found: true, value: node };
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return { found: false };
    node = (node as Record<string, unknown>)[key];
  }
  return { found: node !== undefined, value: node };
}

/** True when RFC 6901 `pointer` resolves to a value inside `doc` (own properties only). */
export function pointerResolves(doc: unknown, pointer: string): boolean {
  return resolve(doc, pointer).found;
}

/**
 * The pointer ecdsa-sd-2023 can select for `pointer`: a pointer to the `id`
 * of a node that holds nothing else becomes the pointer to that node.
 * JSON-LD compacts such a node to its bare IRI, where the library's
 * selection finds no `id` and throws; selecting the node makes the same
 * statement (the link to that IRI) mandatory.
 */
export function selectablePointer(doc: unknown, pointer: string): string {
  if (!pointer.endsWith('/id')) return pointer;
  const parent = pointer.slice(0, -3);
  const { value } = resolve(doc, parent);
  if (parent !== '' && value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'id') return parent;
  }
  return pointer;
}

/**
 * The {@link MANDATORY_POINTERS} that exist in `credential`: ecdsa-sd-2023
 * refuses a mandatory pointer that matches nothing (a credential without
 * `validUntil`, or without a holder). A subject holding only its `id` is
 * selected whole (see {@link selectablePointer}); in an array of subjects,
 * each subject's `id` is mandatory.
 */
export function mandatoryPointersFor(credential: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const pointer of MANDATORY_POINTERS) {
    if (pointer === '/credentialSubject/id' && Array.isArray(credential.credentialSubject)) {
      credential.credentialSubject.forEach((_, i) => {
        const each = `/credentialSubject/${i}/id`;
        if (pointerResolves(credential, each)) out.push(selectablePointer(credential, each));
      });
    } else if (pointerResolves(credential, pointer)) out.push(selectablePointer(credential, pointer));
  }
  return out;
}
