/**
 * The synthetic citizen behind the identity card, driving licence and health
 * insurance card fixtures: one person, so her documents share one personal
 * identification number by construction ("provide information once").
 * Test and demo data only.
 */
export const FIXTURE_CITIZEN = {
  personalIdentificationNumber: '001178012345',
  fullName: 'Nguyễn Thị Minh Khai',
  dateOfBirth: '1978-05-19',
  sex: 'female',
  nationality: 'Việt Nam',
  placeOfResidence: 'Số 12 phố Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Thành phố Hà Nội',
} as const;
