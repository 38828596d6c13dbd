// Minimal declarations for the untyped Digital Bazaar and jsonld packages. They
// stay private to @vneid/core: nothing in the public .d.ts refers to them.
declare module 'jsonld' {
  const jsonld: {
    canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
    toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
    expand(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
    compact(input: unknown, ctx: unknown, options: Record<string, unknown>): Promise<Record<string, unknown>>;
    getValues(subject: unknown, property: string): unknown[];
  };
  export default jsonld;
}
declare module '@digitalbazaar/vc' {
  export function issue(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function derive(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function verifyCredential(options: Record<string, unknown>): Promise<any>;
  export function verify(options: Record<string, unknown>): Promise<any>;
  export function signPresentation(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function createPresentation(options: Record<string, unknown>): Record<string, unknown>;
  export function _checkCredential(options: Record<string, unknown>): void;
}
declare module 'rdf-canonize' {
  export function canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
  export const NQuads: unknown;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: Record<string, unknown>);
    verificationMethod?: string;
  }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: Record<string, unknown>;
}
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): Record<string, unknown>;
  export function createVerifyCryptosuite(): Record<string, unknown>;
}
declare module '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite' {
  export const cryptosuite: Record<string, unknown>;
}
declare module '@digitalbazaar/ecdsa-sd-2023-cryptosuite' {
  export function createSignCryptosuite(options?: Record<string, unknown>): Record<string, unknown>;
  export function createDiscloseCryptosuite(options?: Record<string, unknown>): Record<string, unknown>;
  export function createVerifyCryptosuite(options?: Record<string, unknown>): Record<string, unknown>;
}
declare module '@digitalbazaar/ed25519-multikey' {
  export function generate(options?: Record<string, unknown>): Promise<any>;
  export function from(key: Record<string, unknown>): Promise<any>;
}
declare module '@digitalbazaar/ecdsa-multikey' {
  export function generate(options?: Record<string, unknown>): Promise<any>;
  export function from(key: Record<string, unknown>, options?: Record<string, unknown>): Promise<any>;
}
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    constructor(options: { length?: number; buffer?: Uint8Array });
    length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
}
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/data-integrity-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/multikey-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module 'jsonld-signatures' {
  const jsigs: {
    verify(document: unknown, options: Record<string, unknown>): Promise<any>;
    purposes: {
      AuthenticationProofPurpose: new (options: Record<string, unknown>) => unknown;
      AssertionProofPurpose: new (options?: Record<string, unknown>) => unknown;
    };
  };
  export default jsigs;
}
declare module 'base58-universal' {
  export function encode(input: Uint8Array, maxline?: number): string;
  export function decode(input: string): Uint8Array;
}
declare module '@digitalbazaar/di-sd-primitives' {
  export function selectJsonLd(options: {
    document: object;
    pointers: string[];
    includeTypes?: boolean;
  }): object | null;
  export function parsePointer(pointer: string): Array<string | number>;
}
declare module '@digitalbazaar/cborld' {
  export function encode(options: Record<string, unknown>): Promise<Uint8Array>;
  export function decode(options: Record<string, unknown>): Promise<unknown>;
}
