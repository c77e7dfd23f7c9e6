import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {AppStore} from "../../api/appstore.js";
import {Warehouse} from "../../api/warehouse.js";
import {contractFor, type ExtractType} from "../../pipelines/contracts/extracts.js";
import {scratch} from "./warehouse.js";
import {testApp} from "./app.js";
import type {Role} from "../../api/auth/roles.js";

/**
 * Small extract fixtures for the OBA API tests: rows are built from the extract contracts' columns
 * with valid defaults, so a test names only the fields its rule is about.
 */

const DEFAULTS: Record<ExtractType, Record<string, string>> = {
  referrals: {la_code: "821", birth_month: "2008-05", sex: "1", ethnicity: "White", ward: "biscot", referral_date: "2012-06-15", source: "6", primary_concern: "domestic_violence", outcome: "initial_assessment"},
  assessments: {referral_id: "", la_code: "821", ward: "biscot", assessment_type: "initial", start_date: "2012-06-04", completion_date: "2012-06-12", factors: ""},
  s47: {la_code: "821", ward: "biscot", start_date: "2012-06-15", icpc_date: "", outcome: "plan"},
  cp_plans: {la_code: "821", birth_month: "2008-05", sex: "1", ethnicity: "White", ward: "biscot", start_date: "2012-06-15", end_date: "", category: "NEG", plan_sequence: "1", factors: ""},
  looked_after: {la_code: "821", birth_month: "2008-05", sex: "1", ethnicity: "White", ward: "biscot", start_date: "2012-06-15", end_date: "", legal_status: "C2", placement: "U1", reason_ceased: ""},
  early_help: {la_code: "821", birth_month: "2008-05", ward: "biscot", area: "central", completed_date: "2012-06-15", lead_agency: "Schools", level_of_need: "2", step: "none", outcome: "open"},
  service_episodes: {la_code: "821", birth_month: "2008-05", ward: "biscot", provider_id: "p1", programme_id: "g1", referral_date: "2012-06-15", start_date: "", end_date: "", end_reason: "", level_of_need: "2", outcome_pre: "", outcome_post: "", unit_cost: "100"},
  marac: {la_code: "821", meeting: "M1", meeting_date: "2012-06-15", referring_agency: "Police", repeat_case: "N", children_in_household: "1"},
  participation: {la_code: "821", birth_month: "1996-05", sex: "1", ethnicity: "White", ward: "biscot", snapshot_date: "2012-11-30", activity: "EET"},
  cin_episodes: {la_code: "821", birth_month: "2008-05", sex: "1", ethnicity: "White", ward: "biscot", referral_date: "2012-06-15", closure_date: "", primary_need: "N1", closure_reason: "", referral_nfa: "N"},
  cp_reviews: {plan_id: "", la_code: "821", review_date: "2012-09-15"},
  cla_missing: {la_code: "821", birth_month: "2000-05", missing_type: "M", start_date: "2012-06-15", end_date: "2012-06-16"},
  cla_health: {la_code: "821", birth_month: "2005-05", year_end: "2013-03-31", health_check: "Y", teeth_check: "Y", immunisations: "Y", development_check: "", sdq_score: "", convicted: "N", substance_misuse: "N"},
  care_leavers: {la_code: "821", birth_month: "1993-05", year_end: "2013-03-31", in_touch: "YES", activity: "F2", accommodation: "U1"}
};

const KEY: Record<ExtractType, [string, string]> = {
  referrals: ["referral_id", "R"], assessments: ["assessment_id", "A"], s47: ["enquiry_id", "S"], cp_plans: ["plan_id", "P"],
  looked_after: ["episode_id", "L"], early_help: ["caf_id", "C"], service_episodes: ["episode_id", "E"], marac: ["case_id", "M"],
  participation: ["young_person_key", ""],
  cin_episodes: ["episode_id", "N"], cp_reviews: ["review_id", "V"], cla_missing: ["missing_id", "G"],
  cla_health: ["child_key", ""], care_leavers: ["child_key", ""]
};

const columns = (type: ExtractType) => contractFor(type, 2008).fields.map((f) => f.name);

export const childKey = (i: number) => (0xabc0000000000000n + BigInt(i)).toString(16).padStart(16, "0");

let serial = 0;

/** One CSV row of `type`; `over` sets any field by name (child_key may be a number: the i-th child). */
export function row(type: ExtractType, over: Record<string, string | number> = {}): string {
  serial++;
  const [key, prefix] = KEY[type];
  const values: Record<string, string> = {...DEFAULTS[type], child_key: childKey(serial)};
  // Yearly snapshots are keyed by the person: the default child key is the record's own key.
  if (key !== "child_key") values[key] = type === "participation" ? childKey(1_000_000 + serial) : `${prefix}${DEFAULTS[type].la_code ?? "821"}-${String(serial).padStart(6, "0")}`;
  for (const [k, v] of Object.entries(over)) values[k] = k === "child_key" && typeof v === "number" ? childKey(v) : String(v);
  if (values.la_code !== "821" && prefix && values[key].startsWith(`${prefix}821`)) values[key] = `${prefix}${values.la_code}-${String(serial).padStart(6, "0")}`;
  return columns(type).map((c) => {
    const v = values[c] ?? "";
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(",");
}

/** `n` rows built by `fn(i)` for i = 0..n-1. */
export function rows(type: ExtractType, n: number, fn: (i: number) => Record<string, string | number> = () => ({})): string[] {
  return Array.from({length: n}, (_, i) => row(type, fn(i)));
}

export function csv(type: ExtractType, body: string[]): string {
  return [columns(type).join(","), ...body].join("\n") + "\n";
}

/**
 * A scratch warehouse, the API over it and a temporary app store. Requests come from a commissioner:
 * a workshop role that may write baselines and narratives and sees disclosure-controlled figures.
 */
export function obaScratch(prefix = "curve-oba-", options: {appStore?: boolean} = {}) {
  const s = scratch(prefix);
  const warehouse = new Warehouse(s.warehouseDir);
  const appStore = new AppStore(join(mkdtempSync(join(tmpdir(), "curve-appstore-")), "app.duckdb"));
  let now = new Date("2026-11-23T12:00:00Z");
  const app = testApp({warehouse, warehouseDir: s.warehouseDir, clock: () => now, ...(options.appStore === false ? {} : {appStore})}, "commissioner");
  return {
    ...s, warehouse, appStore, app,
    /** Write one extract file (named <type>_<la>_<YYYY-YY>.csv) into the inbox. */
    extract(type: ExtractType, fy: number, body: string[], la = "821") {
      s.put(`${type}_${la}_${fy}-${String((fy + 1) % 100).padStart(2, "0")}.csv`, csv(type, body));
    },
    setClock(d: Date) {
      now = d;
    },
    /** GET as the commissioner, or as another role (`x-test-role`). */
    async get(path: string, role?: Role) {
      const res = await app.request(path, role ? {headers: {"x-test-role": role}} : undefined);
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return {status: res.status, body, headers: res.headers};
    },
    async send(method: "POST" | "PUT", path: string, json: unknown) {
      const res = await app.request(path, {method, body: JSON.stringify(json), headers: {"content-type": "application/json"}});
      return {status: res.status, body: await res.json() as any};
    },
    async close() {
      warehouse.close_();
      await appStore.close();
    }
  };
}

export const TARGET = ["biscot", "dallow", "high-town", "northwell", "south"];
export const REST = ["barnfield", "bramingham", "challney", "crawley", "farley", "icknield", "leagrave", "lewsey", "limbury", "round-green", "saints", "stopsley", "sundon-park", "wigmore"];

/** Child protection plans started each financial year 2008/09–2015/16 in the target wards and the rest. */
export const CP_TARGET = [20, 24, 28, 32, 36, 30, 18, 12];
export const CP_REST = [40, 44, 48, 52, 56, 60, 64, 68];

/**
 * Two years of referrals with small counts in biscot (2 a year) beside larger ones in dallow (12):
 * disclosure plans with primary and secondary cells, published as one version.
 */
export async function smallCountsWorld(s: ReturnType<typeof obaScratch>) {
  for (const fy of [2012, 2013]) {
    const rs = [
      {ward: "biscot", referral_date: `${fy}-06-10`}, {ward: "biscot", referral_date: `${fy}-09-10`},
      ...Array.from({length: 12}, (_, i) => ({ward: "dallow", referral_date: `${fy}-0${4 + (i % 6)}-12`}))
    ];
    s.extract("referrals", fy, rs.map((r) => row("referrals", r)));
  }
  const run = await s.run();
  if (run.status !== "published") throw new Error(`the small-counts world did not publish: ${run.status}`);
}

/**
 * A small Luton world, 2008/09 to 2015/16. Each child protection plan runs 1 June to 1 June, so the
 * plans open at 31 March are exactly the plans started that year: the target wards rise to 2012/13
 * and then fall well below where the trend was heading; the rest of the borough keeps rising.
 */
export function lutonWorld(s: ReturnType<typeof obaScratch>) {
  let child = 0;
  for (let k = 0; k < 8; k++) {
    const fy = 2008 + k;
    const plans = [
      ...Array.from({length: CP_TARGET[k]}, (_, i) => ({ward: TARGET[i % TARGET.length], i})),
      ...Array.from({length: CP_REST[k]}, (_, i) => ({ward: REST[i % REST.length], i}))
    ];
    s.extract("cp_plans", fy, plans.map(({ward, i}) => row("cp_plans", {
      child_key: ++child, ward, start_date: `${fy}-06-01`, end_date: fy < 2015 ? `${fy + 1}-06-01` : "",
      category: ["NEG", "EMO", "NEG", "MUL", "EMO"][i % 5], plan_sequence: i % 5 === 0 ? 2 : 1,
      // Two or three age bands a year, so no ward's plans are each in an age band of their own: those
      // groups would all be 1 and, added up over the target wards, pin their shown total (rule 6).
      factors: i % 2 === 0 ? "3A;4B" : "21", birth_month: `${fy - 2 - (i % 3) * 3}-01`
    })));
    // Looked after: 30 + 2k episodes open at each 31 March (start 1 May, end 1 May the next year), in
    // two age bands and placements by ward, so no ward's groups are all 1 (as for the plans above).
    s.extract("looked_after", fy, rows("looked_after", 30 + 2 * k, (i) => ({
      child_key: ++child, ward: [...TARGET, ...REST][i % 19], start_date: `${fy}-05-01`, end_date: fy < 2015 ? `${fy + 1}-05-01` : "",
      birth_month: `${fy - 3 - ((i % 19) % 2) * 5}-01`, placement: (i % 19) % 3 === 0 ? "U1" : "R1"
    })));
    // Referrals: 100 a year, more each year from police (source 6).
    s.extract("referrals", fy, rows("referrals", 100, (i) => ({
      child_key: ++child, ward: [...TARGET, ...REST][i % 19], referral_date: `${fy}-0${4 + (i % 6)}-1${i % 10}`,
      source: i < 40 + 5 * k ? "6" : i % 2 ? "2A" : "1A", outcome: i % 4 === 0 ? "nfa" : "initial_assessment"
    })));
    s.extract("early_help", fy, rows("early_help", 20 + k, (i) => ({
      child_key: ++child, ward: "", area: ["central", "north", "east", "south", "west"][i % 5], completed_date: `${fy}-0${4 + (i % 6)}-20`,
      lead_agency: i % 2 ? "Schools" : "Health"
    })));
  }
}
