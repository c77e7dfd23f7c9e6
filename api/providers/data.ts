import {remembered, type Reader} from "../oba/query.js";
import type {Period} from "../oba/periods.js";
import {buildUnits, planDisclosure, type DisclosurePlan} from "./disclosure.js";
import {loadEpisodes, loadProviders} from "./episodes.js";

/** What every provider answer starts from: the current warehouse version's episodes, providers and units. */

async function read(db: Reader) {
  const [data, providers] = await Promise.all([loadEpisodes(db), loadProviders(db)]);
  const units = buildUnits(providers, data.episodes);
  // Disclosure plans depend only on the version's episodes and the catalogue: made once per period.
  const plans = new Map<string, DisclosurePlan>();
  // Made once per period and primary threshold: audiences with another threshold never share a plan.
  const planFor = (p: Period, primaryMax: number) => {
    let plan = plans.get(`${primaryMax}|${p.start}|${p.end}`);
    if (!plan) plans.set(`${primaryMax}|${p.start}|${p.end}`, (plan = planDisclosure(db.reference.measures.measures, units, data.episodes, p, primaryMax)));
    return plan;
  };
  return {...data, providers, units, planFor};
}

/**
 * The episodes, providers and units of the current warehouse version, and the measure catalogue. A
 * version never changes: one read (in the app's cache) serves every request on it.
 */
export async function loadProviderData(db: Reader) {
  return {...(await remembered(db, "provider-data", () => read(db))), catalogue: db.reference.measures};
}
