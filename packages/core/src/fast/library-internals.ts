// The one adapter between the fast path and what it borrows from inside its
// dependencies: a private function of @digitalbazaar/vc and regular
// expressions copied from their sources. These are not public API and may
// change in any release, so the versions they were read from are pinned
// here and a test fails when an installed version differs: re-read the
// sources, then update the pins.
import * as vc from '@digitalbazaar/vc';

/** The dependency versions the borrowed code below was read from. */
export const BORROWED_FROM: Readonly<Record<string, string>> = Object.freeze({
  '@digitalbazaar/vc': '7.3.0',
  '@digitalbazaar/data-integrity': '2.5.0',
  jsonld: '9.0.0',
  '@digitalbazaar/di-sd-primitives': '3.3.0',
  'rdf-canonize': '5.0.0',
});

/** vc's own credential checks (`_checkCredential`, private): throws what `vc.issue` / `vc.verifyCredential` would. */
export function checkCredentialAsVc(options: {
  credential: Record<string, unknown>;
  now?: Date | string;
  mode: 'issue' | 'verify';
  maxClockSkew?: number;
}): void {
  vc._checkCredential(options);
}

/** data-integrity's XMLDateTimeRegExp (lib/util.js), which it applies to a proof's `created`. */
export const XML_DATE_TIME =
  /-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?/;

/** jsonld's absolute-IRI test (lib/url.js `isAbsolute`): a value failing it is relative. */
export const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

/**
 * di-sd-primitives' blank node pattern (lib/canonicalize.js
 * `labelReplacementCanonicalizeNQuads`): it runs over whole N-Quad lines,
 * literals included, and the fast sd path must relabel exactly as it does.
 * Global: use it with `String.replace` only (which resets `lastIndex`).
 */
export const SD_BLANK_LABEL = /(_:([^\s]+))/g;

// rdf-canonize's N-Quads escaping (lib/NQuads.js): canonical forms are
// compared byte for byte, so these must not drift. Global, as above.
/** The characters rdf-canonize escapes inside an IRI (`<…>`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters N-Quads escapes.
export const NQUADS_IRI_ESCAPE = /[\u0000-\u0020<>"{}|^`\\]/g;
/** The characters rdf-canonize escapes inside a literal (`"…"`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
export const NQUADS_LITERAL_ESCAPE = /[\u0000-\u001F\u007F"\\]/g;
