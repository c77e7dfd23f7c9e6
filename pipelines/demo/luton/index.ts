/** Luton (821): every extract type, 2008/09–2015/16, calibrated to the published figures. */
import type {Rng} from "../rng.js";
import {wardsOf, type ReferenceData} from "../geography.js";
import {ChildRegistry, type Assessment, type Caf, type CareEpisode, type Enquiry, type PendingContact, type Plan, type Referral, type ServiceEpisode} from "../model.js";
import {WardPicker} from "../people.js";
import {generateCare} from "./care.js";
import {generateCafs, linkStepDowns} from "./early-help.js";
import {generateFrontDoor} from "./front-door.js";
import {generateMarac, type MaracCase} from "./marac.js";
import {generateParticipation, type Snapshot} from "./participation.js";
import {generatePlans} from "./protection.js";
import {CAF_TABLES, MARAC_2012_13, MARAC_2012_13_TOTAL} from "./published-tables.js";
import {generateServiceEpisodes, linkServiceUsers} from "./services.js";

export const LUTON = "821";

export interface LutonWorld {
  registry: ChildRegistry;
  referrals: Referral[];
  assessments: Assessment[];
  enquiries: Enquiry[];
  plans: Plan[];
  care: CareEpisode[];
  cafs: Caf[];
  services: ServiceEpisode[];
  marac: MaracCase[];
  participation: Snapshot[];
}

export function generateLuton(rng: Rng, ref: ReferenceData): LutonWorld {
  const wards = wardsOf(ref, LUTON);
  const registry = new ChildRegistry();
  const picker = new WardPicker(wards, 1);
  const pending: PendingContact[] = [];
  const plans = generatePlans(rng.fork("cp-plans"), registry, picker);
  const care = generateCare(rng.fork("looked-after"), registry, picker, plans);
  const cafs = generateCafs(rng.fork("early-help"), registry, picker, CAF_TABLES, pending);
  const services = generateServiceEpisodes(rng.fork("services"), registry, picker, ref.providers, cafs, pending);
  const front = generateFrontDoor(rng.fork("front-door"), registry, picker, plans, care, pending);
  linkStepDowns(rng.fork("step-downs"), cafs, front.referrals);
  linkServiceUsers(rng.fork("service-users"), services, plans, front.referrals);
  const marac = generateMarac(rng.fork("marac"), MARAC_2012_13, MARAC_2012_13_TOTAL);
  const participation = generateParticipation(rng.fork("participation"), wards, care);
  return {registry, ...front, plans, care, cafs, services, marac, participation};
}
