/**
 * `npm run plans:warm -- <warehouse dir> [--breakdowns]`: solve the current version's first-asked
 * disclosure plans into its plan store (api/plans-warm.ts), for the policies data/config.json (or
 * CURVE_CONFIG) gives the roles. The API starts this itself once per version it meets without plans
 * (api/plans-warm.ts PlanWarm); by hand it warms a warehouse copied in, or one no API serves. One line:
 * the version, distinct plans, seconds.
 */
import {resolve} from "node:path";
import {loadConfig} from "../pipelines/config.js";
import {AppCache, CachedReader} from "./appcache.js";
import {resolvePolicies} from "./oba/policy.js";
import {policiesToWarm, warmPlans} from "./plans-warm.js";
import {referenceFromEnv} from "./reference.js";
import {Warehouse} from "./warehouse.js";

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith("--"));
if (!dir) {
  console.error("usage: npm run plans:warm -- <warehouse dir> [--breakdowns]");
  process.exit(64);
}
const policies = policiesToWarm(resolvePolicies(loadConfig().disclosure));
const warehouse = new Warehouse(resolve(dir));
const reader = new CachedReader(warehouse, new AppCache(), referenceFromEnv());
const r = await warmPlans(reader, policies, {breakdowns: args.includes("--breakdowns")});
console.log(JSON.stringify({msg: r.superseded ? "plan warm stopped: a newer version was published" : "plans warmed", version: r.version,
  plans: r.plans, policies: policies.length, seconds: Number(r.seconds.toFixed(1))}));
warehouse.close_();
