import test from 'ava';
import { getCredentialType, labelFor, listCredentialTypes, valueLabelFor } from '../src/index.js';

interface Node {
  properties?: Record<string, Node>;
  items?: Node;
  enum?: unknown[];
}

/** Every property pointer (array indices dropped) and its schema, walked independently of src/lib. */
function walk(node: Node, prefix = ''): [string, Node][] {
  const object = node.items ?? node;
  return Object.entries(object.properties ?? {}).flatMap(([name, child]) => [
    [`${prefix}/${name}`, child] as [string, Node],
    ...walk(child, `${prefix}/${name}`),
  ]);
}

const VIETNAMESE_DIACRITICS = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

for (const definition of listCredentialTypes()) {
  const { type } = definition;

  test(`${type}: the type and every field at every depth have a Vietnamese and an English label`, (t) => {
    t.truthy(labelFor(type, '', 'vi'));
    t.truthy(labelFor(type, '', 'en'));
    const pointers = walk(definition.subjectSchema as Node).map(([pointer]) => pointer);
    t.true(pointers.length > 1);
    for (const pointer of pointers) {
      t.truthy(labelFor(type, pointer, 'vi'), `${pointer} vi`);
      t.truthy(labelFor(type, pointer, 'en'), `${pointer} en`);
    }
    // No stale labels for fields the schema no longer has.
    t.deepEqual(Object.keys(definition.labels.fields).sort(), [...pointers].sort());
  });

  test(`${type}: every enumerated value has a Vietnamese and an English label`, (t) => {
    for (const [pointer, node] of walk(definition.subjectSchema as Node)) {
      for (const value of node.enum ?? []) {
        t.truthy(valueLabelFor(type, pointer, String(value), 'vi'), `${pointer} ${String(value)}`);
        t.truthy(valueLabelFor(type, pointer, String(value), 'en'), `${pointer} ${String(value)}`);
      }
    }
  });
}

test('built-in Vietnamese labels are written with diacritics', (t) => {
  for (const type of ['CitizenIdentityCard', 'DrivingLicence', 'UniversityDegree', 'HealthInsuranceCard']) {
    t.regex(labelFor(type, '', 'vi') ?? '', VIETNAMESE_DIACRITICS);
    t.regex(labelFor(type, '/fullName', 'vi') ?? '', VIETNAMESE_DIACRITICS);
  }
});

test('labels the wallet shows', (t) => {
  t.is(labelFor('CitizenIdentityCard', '', 'vi'), 'Thẻ căn cước');
  t.is(labelFor('HealthInsuranceCard', '', 'vi'), 'Thẻ bảo hiểm y tế');
  t.is(labelFor('CitizenIdentityCard', '/personalIdentificationNumber', 'vi'), 'Số định danh cá nhân');
  t.is(labelFor('DrivingLicence', '/licenceClasses/1/licenceClass', 'vi'), 'Hạng');
  t.is(labelFor('HealthInsuranceCard', '/initialHealthFacility/facilityCode', 'en'), 'Facility code');
  t.is(valueLabelFor('CitizenIdentityCard', '/sex', 'male', 'vi'), 'Nam');
  t.is(valueLabelFor('HealthInsuranceCard', '/sex', 'female', 'vi'), 'Nữ');
  t.is(valueLabelFor('UniversityDegree', '/degreeTitle', 'doctorOfMedicine', 'vi'), 'Bác sĩ');
  t.is(valueLabelFor('UniversityDegree', '/classification', 'veryGood', 'vi'), 'Giỏi');
  t.is(valueLabelFor('UniversityDegree', '/modeOfStudy', 'partTime', 'vi'), 'Vừa làm vừa học');
  t.is(valueLabelFor('HealthInsuranceCard', '/benefitLevel', '4', 'en'), 'Level 4: 80% of costs');
  t.is(valueLabelFor('DrivingLicence', '/licenceClasses/0/licenceClass', 'C1E', 'vi'), 'Hạng C1E');
});

test('an unknown field or value has no label; a bad language is a TypeError', (t) => {
  t.is(labelFor('CitizenIdentityCard', '/nickname', 'vi'), undefined);
  t.is(valueLabelFor('CitizenIdentityCard', '/sex', 'other', 'vi'), undefined);
  t.is(valueLabelFor('CitizenIdentityCard', '/sex', 'constructor', 'vi'), undefined);
  t.throws(() => labelFor('CitizenIdentityCard', '/fullName', 'fr' as 'vi'), { instanceOf: TypeError });
  t.is(getCredentialType('CitizenIdentityCard').labels.fields['/fullName']?.vi, 'Họ, chữ đệm và tên');
});
