import type { Lang } from './definition.js';
import { stripIndices } from './lib/json-pointer.js';
import { lookup } from './registry.js';

function checkLang(lang: Lang): void {
  if (lang !== 'vi' && lang !== 'en') throw new TypeError("lang must be 'vi' or 'en'");
}

/**
 * The display label of a subject field (or of the type itself for pointer `''`).
 * Array indices in the pointer are ignored.
 *
 * @example
 * labelFor('DrivingLicence', '/licenceClasses/0/licenceClass', 'vi') // 'Hạng'
 * labelFor('CitizenIdentityCard', '', 'vi') // 'Thẻ căn cước'
 * @returns `undefined` for a pointer that is not a field of the type.
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function labelFor(type: string, pointer: string, lang: Lang): string | undefined {
  checkLang(lang);
  const { labels } = lookup(type).definition;
  if (pointer === '') return labels.type[lang];
  return (labels.fields[pointer] ?? labels.fields[stripIndices(pointer)])?.[lang];
}

/**
 * The display label of an enumerated value.
 *
 * @example
 * valueLabelFor('CitizenIdentityCard', '/sex', 'female', 'vi') // 'Nữ'
 * valueLabelFor('UniversityDegree', '/degreeTitle', 'engineer', 'vi') // 'Kỹ sư'
 * @returns `undefined` for a field or value without a label.
 * @throws UnknownCredentialTypeError UNKNOWN_CREDENTIAL_TYPE
 */
export function valueLabelFor(type: string, pointer: string, value: string, lang: Lang): string | undefined {
  checkLang(lang);
  const values = lookup(type).definition.labels.values ?? {};
  const labels = values[pointer] ?? values[stripIndices(pointer)];
  return labels !== undefined && Object.hasOwn(labels, value) ? labels[value]?.[lang] : undefined;
}
