import type { DocumentLoader } from '../document-loader.js';

/**
 * Walks a `@context` value as jsonld would meet it: URLs through the loader
 * (each once, their own `@context`), arrays item by item, and every context
 * object handed to `onObject` with a `visit` for the nested contexts it
 * holds. `false` — the caller then takes the library path, which reports
 * any error — when a URL does not load, nesting passes 32 levels, a value is
 * no context (a number, a boolean) or `onObject` says so.
 */
export async function walkContexts(
  context: unknown,
  documentLoader: DocumentLoader,
  onObject: (object: Record<string, unknown>, visit: (nested: unknown) => Promise<boolean>) => Promise<boolean>,
): Promise<boolean> {
  const loaded = new Set<string>();
  const visit = async (value: unknown, depth: number): Promise<boolean> => {
    if (depth > 32) return false;
    if (value === null) return true;
    if (typeof value === 'string') {
      if (loaded.has(value)) return true;
      loaded.add(value);
      try {
        const { document } = await documentLoader(value);
        return visit((document as Record<string, unknown>)['@context'], depth + 1);
      } catch {
        return false;
      }
    }
    if (Array.isArray(value)) {
      for (const item of value) if (!(await visit(item, depth + 1))) return false;
      return true;
    }
    if (!value || typeof value !== 'object') return false;
    return onObject(value as Record<string, unknown>, (nested) => visit(nested, depth + 1));
  };
  return visit(context, 0);
}
