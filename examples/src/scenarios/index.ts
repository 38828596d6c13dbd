import type { BilingualText } from '@vneid/verifier';
import type { StepLog } from '../lib/steps.js';
import type { World } from '../lib/world.js';
import * as bankKyc from './bank-kyc.js';
import * as employer from './employer.js';
import * as hospital from './hospital.js';
import * as onlineBankKyc from './online-bank-kyc.js';
import * as onlinePublicService from './online-public-service.js';
import * as onlineSocialNetwork from './online-social-network.js';
import * as policeCheck from './police-check.js';
import * as socialNetwork from './social-network.js';

/** A runnable scenario. */
export interface Scenario {
  name: string;
  title: BilingualText;
  run(world: World): Promise<StepLog[]>;
}

/** The scenarios, in the order the demo runs them: five offline, then three online (OpenID4VP). */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'police-check', title: policeCheck.title, run: policeCheck.run },
  { name: 'bank-kyc', title: bankKyc.title, run: bankKyc.run },
  { name: 'hospital', title: hospital.title, run: hospital.run },
  { name: 'employer', title: employer.title, run: employer.run },
  { name: 'social-network', title: socialNetwork.title, run: socialNetwork.run },
  { name: 'online-bank-kyc', title: onlineBankKyc.title, run: onlineBankKyc.run },
  { name: 'online-social-network', title: onlineSocialNetwork.title, run: onlineSocialNetwork.run },
  { name: 'online-public-service', title: onlinePublicService.title, run: onlinePublicService.run },
];
