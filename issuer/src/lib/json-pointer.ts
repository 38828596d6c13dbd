/** True when RFC 6901 `pointer` resolves inside `doc` (plain own properties only). */
export function pointerExists(doc: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}
