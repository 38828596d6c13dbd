// di-sd-primitives 3.3.0's selectJsonLd and parsePointer (lib/select.js,
// lib/pointer.js), ported line for line because core does not depend on
// di-sd-primitives directly; the test compares both on every document type.
// Replace with the original once it is a direct dependency.

type Json = unknown;
type JsonObject = Record<string, Json>;

/** The JSON pointer's path, numeric segments as numbers (as parseInt reads them), escapes resolved. */
export function parsePointer(pointer: string): Array<string | number> {
  const parsed: Array<string | number> = [];
  for (const path of pointer.split('/').slice(1)) {
    if (!path.includes('~')) {
      const index = Number.parseInt(path, 10);
      parsed.push(Number.isNaN(index) ? path : index);
    } else {
      parsed.push(
        path.replace(/~[01]/g, (m) => {
          if (m === '~1') return '/';
          if (m === '~0') return '~';
          throw new Error(`Invalid JSON pointer escape sequence "${m}".`);
        }),
      );
    }
  }
  return parsed;
}

/** The document reduced to what `pointers` select, plus `@context` and the `id` and `type` of every node on the way. */
export function selectJsonLd(document: JsonObject, pointers: string[]): JsonObject | null {
  if (pointers.length === 0) return null;
  const arrays: Json[][] = [];
  const selection: JsonObject = { '@context': structuredClone(document['@context']) };
  initSelection(selection, document);
  for (const pointer of pointers) {
    const paths = parsePointer(pointer);
    if (paths.length === 0) return structuredClone(document);
    selectPaths(document, pointer, paths, selection, arrays);
  }
  for (const array of arrays) {
    let i = 0;
    while (i < array.length) {
      if (array[i] === undefined) array.splice(i, 1);
      else i++;
    }
  }
  return selection;
}

function selectPaths(
  document: JsonObject,
  pointer: string,
  paths: Array<string | number>,
  selection: JsonObject,
  arrays: Json[][],
): void {
  let value: any = document;
  let selectedParent: any = selection;
  let selectedValue: any = selection;
  for (const path of paths) {
    selectedParent = selectedValue;
    const parentValue = value;
    value = parentValue[path];
    if (value === undefined) throw new TypeError(`JSON pointer "${pointer}" does not match document.`);
    selectedValue = selectedParent[path];
    if (selectedValue === undefined) {
      if (Array.isArray(value)) {
        selectedValue = [];
        arrays.push(selectedValue);
      } else {
        selectedValue = initSelection({}, value);
      }
      selectedParent[path] = selectedValue;
    }
  }
  if (typeof value !== 'object') selectedValue = value;
  else if (Array.isArray(value)) selectedValue = structuredClone(value);
  else selectedValue = { ...selectedValue, ...structuredClone(value) };
  selectedParent[paths.at(-1)!] = selectedValue;
}

function initSelection(selection: JsonObject, source: any): JsonObject {
  if (source.id && !source.id.startsWith('_:')) selection.id = source.id;
  if (source.type) selection.type = source.type;
  return selection;
}
