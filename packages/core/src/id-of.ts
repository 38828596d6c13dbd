/**
 * The id of a VCDM value that may be an IRI string or an object with an `id`
 * (`issuer`, `holder`): `undefined` for anything else.
 *
 * @example
 * idOf('did:web:bocongan.gov.vn') // 'did:web:bocongan.gov.vn'
 * idOf({ id: 'did:web:bocongan.gov.vn', name: 'Bộ Công an' }) // 'did:web:bocongan.gov.vn'
 * @see https://www.w3.org/TR/vc-data-model-2.0/#issuer
 */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}
