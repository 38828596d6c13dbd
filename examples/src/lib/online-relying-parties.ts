import type { RelyingPartyRegistration } from '@vneid/core';

/** The relying parties that verify online (OpenID4VP) in the scenarios, as the trust authority registers them. */
export const ONLINE_RELYING_PARTIES = {
  bank: {
    id: 'nganhang-so.example.vn',
    name: { vi: 'Ngân hàng số Việt', en: 'Viet Digital Bank' },
    registration: 'NHNN-EKYC-2026-0117',
    retention: 'P10Y',
    credentials: [
      {
        type: 'CitizenIdentityCard',
        fields: ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'placeOfResidence'],
      },
    ],
  },
  social: {
    id: 'mangxahoi.example.vn',
    name: { vi: 'Mạng xã hội ABC', en: 'ABC Social' },
    registration: 'BTTTT-2026-0042',
    retention: 'P30D',
    credentials: [
      { type: 'AgeAttestation', fields: ['ageOver16'] },
      { type: 'CitizenIdentityCard', fields: ['fullName'] },
    ],
  },
  agency: {
    id: 'dichvucong.example.gov.vn',
    name: { vi: 'Cổng Dịch vụ công quốc gia', en: 'National Public Service Portal' },
    registration: 'VPCP-DVC-2026-0001',
    retention: 'P5Y',
    credentials: [
      {
        type: 'CitizenIdentityCard',
        fields: ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'sex', 'placeOfResidence'],
      },
      { type: 'HealthInsuranceCard', fields: ['socialInsuranceNumber'] },
    ],
  },
} as const satisfies Record<string, Omit<RelyingPartyRegistration, 'requestKeys'>>;

/** One of the online relying parties. */
export type OnlineRelyingParty = keyof typeof ONLINE_RELYING_PARTIES;
