import type { JsonLdContextDocument } from '@vneid/core';

// Context members an inline context may not carry. @vocab and @base change
// what an undefined term or a relative IRI means, @import pulls another
// context in, @propagate reaches into nested objects: each could give a name
// the pinned contexts left alone a meaning the signer did not see.
const REFUSED_KEYWORDS = new Set(['@vocab', '@base', '@import', '@propagate']);
const ALLOWED_KEYWORDS = new Set(['@version', '@protected', '@language', '@direction']);

const termsCache = new WeakMap<object, ReadonlySet<string>>();

/** Every term a context document defines, at any depth (scoped contexts included). */
export function definedTerms(document: JsonLdContextDocument): ReadonlySet<string> {
  const hit = termsCache.get(document);
  if (hit) return hit;
  const terms = new Set<string>();
  const walk = (context: unknown, depth: number): void => {
    if (depth > 8) return;
    for (const entry of Array.isArray(context) ? context : [context]) {
      if (!entry || typeof entry !== 'object') continue;
      for (const [term, definition] of Object.entries(entry)) {
        if (!term.startsWith('@')) terms.add(term);
        if (definition && typeof definition === 'object' && '@context' in definition) {
          walk((definition as Record<string, unknown>)['@context'], depth + 1);
        }
      }
    }
  };
  walk((document as { '@context'?: unknown })['@context'], 0);
  termsCache.set(document, terms);
  return terms;
}

/**
 * Why an inline `@context` object (general profile) could change what a
 * signed term means, or `undefined` when it only adds new terms. Safe mode
 * and the pinned contexts' `@protected` terms already make jsonld refuse a
 * redefinition; this refuses what they let through: a term a pinned context
 * defines without protecting it, a property-scoped context (which may
 * override protected terms, JSON-LD 1.1 §4.1.11), keyword aliases, and
 * `@vocab`, `@base`, `@import`, `@propagate`.
 */
export function inlineContextProblem(inline: unknown, pinnedTerms: ReadonlySet<string>): string | undefined {
  if (!inline || typeof inline !== 'object' || Array.isArray(inline)) return 'an inline @context must be an object';
  for (const [term, definition] of Object.entries(inline)) {
    const shown = term.slice(0, 60);
    if (term.startsWith('@')) {
      if (REFUSED_KEYWORDS.has(term)) return `an inline @context may not set ${shown}`;
      if (!ALLOWED_KEYWORDS.has(term)) return `an inline @context may not carry ${shown}`;
      continue;
    }
    if (pinnedTerms.has(term)) return `an inline @context may not redefine ${shown}, a term of a pinned context`;
    const id = typeof definition === 'string' ? definition : (definition as Record<string, unknown> | null)?.['@id'];
    if (typeof id === 'string' && id.startsWith('@')) return `an inline @context may not alias the keyword ${id}`;
    if (definition && typeof definition === 'object') {
      const keys = Object.keys(definition);
      if (keys.includes('@context')) return `an inline @context may not scope a context to ${shown}`;
      const type = (definition as Record<string, unknown>)['@type'];
      if (typeof type === 'string' && type === '@vocab') return `an inline @context may not type ${shown} as @vocab`;
    } else if (typeof definition !== 'string') {
      return `the inline definition of ${shown} must be an IRI or an object`;
    }
  }
  return undefined;
}
