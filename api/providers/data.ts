import type {Warehouse} from "../warehouse.js";
import type {Period} from "../oba/periods.js";
import {loadMeasureCatalogue} from "./catalogue.js";
import {buildUnits, planDisclosure, type DisclosurePlan} from "./disclosure.js";
import {loadEpisodes, loadProviders} from "./episodes.js";

/** What every provider answer starts from: the current warehouse version's episodes, providers and units. */

async function read(db: Warehouse) {
  const [data, providers] = await Promise.all([loadEpisodes(db), loadProviders(db)]);
  const units = buildUnits(providers, data.episodes);
  // Disclosure plans depend only on the version's episodes and the catalogue: made once per period.
  const plans = new Map<string, DisclosurePlan>();
  // Made once per period and primary threshold: audiences with another threshold never share a plan.
  const planFor = (p: Period, primaryMax: number) => {
    let plan = plans.get(`${primaryMax}|${p.start}|${p.end}`);
    if (!plan) plans.set(`${primaryMax}|${p.start}|${p.end}`, (plan = planDisclosure(loadMeasureCatalogue().measures, units, data.episodes, p, primaryMax)));
    return plan;
  };
  return {...data, providers, units, planFor};
}

/** Episodes per published warehouse version: a version never changes, so one read serves every request on it. */
const cache = new Map<string, ReturnType<typeof read>>();

/** The episodes, providers and units of the current warehouse version, and the measure catalogue. */
export async function loadProviderData(db: Warehouse) {
  const version = await db.currentVersion();
  const key = `${db.dir}|${version}`;
  let data = version === null ? undefined : cache.get(key);
  if (!data) {
    data = read(db);
    if (version !== null) {
      cache.set(key, data);
      data.catch(() => cache.delete(key));
      while (cache.size > 4) cache.delete(cache.keys().next().value as string);
    }
  }
  return {...(await data), catalogue: loadMeasureCatalogue()};
}
