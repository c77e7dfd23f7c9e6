import {readFileSync} from "node:fs";
import {csvParse} from "d3";
import type {Hono} from "hono";
import {Reference} from "../../api/reference.js";
import {row, type obaScratch} from "./oba.js";

/**
 * An attacker on disclosure control (METHODS §7), shared by test/api/access/suppression.test.ts (a
 * chosen set of tables, in seconds) and `npm run check:suppression` (every table the API has for the
 * viewer, some minutes).
 *
 * A scratch warehouse holds two financial years of referrals and child protection plans with many
 * ward × month counts of 1–5. The attacker fetches series — by ward, area, the target wards, the rest
 * of the borough and the borough; by month, quarter, financial year and rolling 12 months; with no
 * breakdown and with breakdowns; as JSON and as CSV — and baselines, drivers, ward targeting and ward
 * profiles, and then tries to recover every hidden count by linear subtraction: for every sum it
 * knows of (wards → area → borough, target + rest = borough, the target wards of an area, months →
 * quarters → years, 12 months → a rolling count, a breakdown's groups → the total, a percentage's
 * numerator = two outcome groups of referrals, the SPC mean of a baseline = the mean of its history,
 * a naive forecast = the last history value, value × denominator = numerator), total − known parts
 * when exactly one part is unknown, iterated to a fixed point across every table.
 */

/** The fixture's wards (Luton's 19) and its small ones: most of their monthly counts are 1–5. */
export const WARDS = ["barnfield", "biscot", "bramingham", "challney", "crawley", "dallow", "farley", "high-town", "icknield", "leagrave", "lewsey",
  "limbury", "northwell", "round-green", "saints", "south", "stopsley", "sundon-park", "wigmore"];
export const SMALL = new Set(["barnfield", "saints", "south", "wigmore", "icknield"]);
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Two financial years (2012/13, 2013/14) of referrals and child protection plans in every ward, with
 * many ward × month counts of 1–5, written into the scratch inbox. Same seed, same rows.
 */
export function writeDisclosureFixture(s: Pick<ReturnType<typeof obaScratch>, "extract">): void {
  // Deterministic pseudo-random numbers for the fixture.
  let seed = 20140401;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  let child = 0;
  for (const fy of [2012, 2013]) {
    const referrals: string[] = [];
    const plans: string[] = [];
    for (let k = 0; k < 12; k++) {
      const y = fy + (k >= 9 ? 1 : 0);
      const m = ((k + 3) % 12) + 1;
      for (const ward of WARDS) {
        const n = SMALL.has(ward) ? Math.floor(rand() * 6) : 6 + Math.floor(rand() * 7);
        for (let i = 0; i < n; i++) {
          // One child in five is referred again two months later (a re-referral within 12 months).
          const again = i % 5 === 0 && k < 10;
          const key = ++child;
          const base = {ward, source: pick(["6", "2A", "1A", "3A"]), primary_concern: pick(["domestic_violence", "child_protection", "general_childcare"]),
            ethnicity: pick(["White", "Asian", "Black"]), sex: pick(["1", "2"]), birth_month: `${y - 1 - Math.floor(rand() * 16)}-${pad(1 + Math.floor(rand() * 12))}`};
          referrals.push(row("referrals", {...base, child_key: key, referral_date: `${y}-${pad(m)}-${pad(1 + Math.floor(rand() * 27))}`,
            outcome: pick(["initial_assessment", "initial_assessment", "single_assessment", "nfa", "signposted"])}));
          if (again) {
            const k2 = k + 2;
            referrals.push(row("referrals", {...base, child_key: key, referral_date: `${fy + (k2 >= 9 ? 1 : 0)}-${pad(((k2 + 3) % 12) + 1)}-15`, outcome: "initial_assessment"}));
          }
        }
        // Child protection plans: a few start each month in each ward and last 2 to 7 months.
        const p = SMALL.has(ward) ? Math.floor(rand() * 2) : Math.floor(rand() * 4);
        for (let i = 0; i < p; i++) {
          const len = 2 + Math.floor(rand() * 6);
          const endIdx = y * 12 + m - 1 + len;
          const end = endIdx <= 2014 * 12 + 2 ? `${Math.floor(endIdx / 12)}-${pad((endIdx % 12) + 1)}-10` : "";
          plans.push(row("cp_plans", {child_key: ++child, ward, start_date: `${y}-${pad(m)}-05`, end_date: end, category: pick(["NEG", "EMO", "PHY"]),
            plan_sequence: rand() < 0.2 ? 2 : 1, birth_month: `${y - 1 - Math.floor(rand() * 16)}-01`, sex: pick(["1", "2"]), ethnicity: pick(["White", "Asian"])}));
        }
      }
    }
    s.extract("referrals", fy, referrals);
    s.extract("cp_plans", fy, plans);
  }
}

// ------------------------------------------------------------------ the attacker

export type Published = number | string | null;
export interface Point {
  period: string;
  group: string;
  numerator: Published;
  denominator: Published;
  value: Published;
  lower95?: Published;
  flag?: Published;
}

/** What counts a catalogue figure is made of, as a reader of the catalogue knows it. */
export const COUNT: Record<string, {num: string; den: string | null; snapshot: boolean}> = {
  "referrals": {num: "referrals", den: null, snapshot: false},
  "referral-rate": {num: "referrals", den: null, snapshot: false},
  "re-referrals": {num: "re-referrals", den: "referrals", snapshot: false},
  "referral-to-assessment": {num: "to-assessment", den: "referrals", snapshot: false},
  "cp-plans": {num: "cp-plans", den: null, snapshot: true},
  "cp-rate": {num: "cp-plans", den: null, snapshot: true}
};
export const INDICATORS = Object.keys(COUNT);
/** The ward-targeting measures: catalogue indicators, and two that count a concern group of referrals. */
export const TARGETING: Record<string, {num: string; den: string | null}> = {
  "referrals": {num: "referrals", den: null},
  "re-referrals": {num: "re-referrals", den: "referrals"},
  "referral-to-assessment": {num: "to-assessment", den: "referrals"},
  "cp-plans": {num: "cp-plans", den: null},
  "cp-referrals": {num: "cp-referrals", den: null},
  "dv-referrals": {num: "dv-referrals", den: null}
};

export interface Geo {
  type: string;
  code: string;
}
const geoKey = (g: Geo) => (g.type === "borough" ? "borough" : g.type === "target-wards" ? "target" : g.type === "rest-of-borough" ? "rest" : `${g.type}:${g.code}`);

/** Months are YYYY-MM; quarters and years are keyed by their label, rolling windows by their last month. */
const periodKey = (type: string, label: string) => `${type[0]}:${label}`;

export class Attacker {
  /** Every count the attacker knows: published or recovered. */
  readonly known = new Map<string, number>();
  /** How each recovered count was found. */
  readonly recovered = new Map<string, string>();
  /** Counts seen as c (or never published). */
  readonly hidden = new Set<string>();
  readonly equations: {terms: [string, number][]; total: number; why: string}[] = [];
  /** Group values seen per count and breakdown. */
  readonly groups = new Map<string, Set<string>>();
  readonly periods = new Map<string, Set<string>>();
  wardsOf = new Map<string, string[]>();
  areaOfWard = new Map<string, string>();
  target: string[] = [];
  rest: string[] = [];
  leaks: string[] = [];

  learn(key: string, v: number, why: string): void {
    const had = this.known.get(key);
    if (had !== undefined) {
      if (Math.abs(had - v) > 1e-6) this.leaks.push(`inconsistent ${key}: ${had} vs ${v} (${why})`);
      return;
    }
    this.known.set(key, v);
    if (why !== "published") this.recovered.set(key, why);
  }

  cell(count: string, geo: string, period: string, group: string): string {
    return `${count}|${geo}|${period}|${group}`;
  }

  /** Reads one published table (series JSON or CSV rows). */
  readSeries(ind: string, geo: Geo, type: string, breakdown: string | null, points: Point[], geography: {wards: string[] | null}): void {
    const g = geoKey(geo);
    if (geo.type === "area" && geography.wards) {
      this.wardsOf.set(geo.code, geography.wards);
      for (const w of geography.wards) this.areaOfWard.set(w, geo.code);
    }
    if (geo.type === "target-wards" && geography.wards) this.target = geography.wards;
    if (geo.type === "rest-of-borough" && geography.wards) this.rest = geography.wards;
    const {num, den} = COUNT[ind];
    const mult = ind === "referral-rate" || ind === "cp-rate" ? 10000 : ind === "re-referrals" || ind === "referral-to-assessment" ? 100 : 1;
    for (const p of points) {
      const pk = periodKey(type, p.period);
      (this.periods.get(type) ?? this.periods.set(type, new Set()).get(type)!).add(p.period);
      let cg = g;
      let group = "";
      if (p.group !== "all" && breakdown) {
        if (breakdown === "ward") cg = `ward:${p.group}`;
        else if (breakdown === "area") cg = geo.type === "borough" ? `area:${p.group}` : geo.type === "target-wards" || geo.type === "rest-of-borough" ? `${g}&area:${p.group}` : g;
        else {
          group = `${breakdown}=${p.group}`;
          for (const c of [num, den]) if (c) (this.groups.get(`${c}|${breakdown}`) ?? this.groups.set(`${c}|${breakdown}`, new Set()).get(`${c}|${breakdown}`)!).add(p.group);
        }
      }
      const record = (count: string, v: Published) => {
        const key = this.cell(count, cg, pk, group);
        if (typeof v === "number") this.learn(key, v, "published");
        else if (v === "c") this.hidden.add(key);
      };
      record(num, p.numerator);
      if (den) record(den, p.denominator);
      // value × denominator / multiplier gives the numerator back when both are shown.
      if (p.numerator === "c" && typeof p.value === "number" && typeof p.denominator === "number") {
        this.learn(this.cell(num, cg, pk, group), Math.round((p.value * p.denominator) / mult), `value ${p.value} × denominator ${p.denominator} of ${ind} ${g} ${p.period}`);
      }
      // A hidden count hides everything made from it.
      if (p.numerator === "c" && [p.value, p.lower95 ?? "c", p.flag].some((v) => v !== "c")) {
        this.leaks.push(`${ind} ${g} ${p.period} ${p.group}: numerator c but value ${p.value}, lower95 ${p.lower95}, flag ${p.flag}`);
      }
    }
  }

  /** Reads a baseline: its points, and what its SPC mean and a naive forecast say about the history. */
  readBaseline(ind: string, geo: Geo, type: string, body: any): void {
    const points = [...body.history, ...body.actuals].map((p: any) => ({...p, group: "all"}));
    this.readSeries(ind, geo, type, null, points, body.geography);
    if (COUNT[ind].den || ind !== "referrals") return;
    const hist: string[] = body.history.map((p: any) => this.cell(COUNT[ind].num, geoKey(geo), periodKey(type, p.period), ""));
    const all: string[] = [...body.history, ...body.actuals].map((p: any) => this.cell(COUNT[ind].num, geoKey(geo), periodKey(type, p.period), ""));
    // The SPC limits come from the history (fixed after it) or from every point: its mean × n is the sum of those counts.
    const used = body.spc?.limitsFrom === `the first ${hist.length} point(s)` ? hist : body.spc?.limitsFrom?.startsWith(`all ${all.length} point(s)`) ? all : null;
    if (body.spc && typeof body.spc.mean === "number" && used) {
      this.equations.push({terms: used.map((k) => [k, 1]), total: body.spc.mean * used.length, why: `SPC mean of ${ind} ${geoKey(geo)} ${type}`});
    }
    if (body.forecast?.method === "naive" && hist.length) {
      this.learn(hist[hist.length - 1], Math.round(body.forecast.points[0].mean), `naive forecast of ${ind} ${geoKey(geo)} ${type}`);
    }
    for (const v of body.verdict?.points ?? []) {
      if (typeof v.actual === "number") this.learn(this.cell(COUNT[ind].num, geoKey(geo), periodKey(type, v.period), ""), v.actual, "published");
    }
  }

  /** Reads the ward-targeting tables: every ward, the borough, target and rest totals for a financial year. */
  readTargeting(year: string, body: any): void {
    const pk = periodKey("financial-year", year);
    const record = (id: string, geo: string, e: {count: Published; denominator?: Published}) => {
      const counts = TARGETING[id];
      if (!counts) return;
      for (const [count, v] of [[counts.num, e.count], [counts.den, e.denominator]] as const) {
        if (!count) continue;
        const key = this.cell(count, geo, pk, "");
        if (typeof v === "number") this.learn(key, v, "published");
        else if (v === "c") this.hidden.add(key);
      }
    };
    for (const w of body.wards ?? []) for (const [id, e] of Object.entries<any>(w.indicators)) record(id, `ward:${w.id}`, e);
    for (const [geo, part] of [["borough", "borough"], ["target", "targetWardsTotal"], ["rest", "restOfBorough"]]) {
      for (const [id, e] of Object.entries<any>(body[part] ?? {})) record(id, geo, e);
    }
  }

  /** The target wards' summary: target, rest and borough counts per indicator for the year. */
  readSummary(body: any): void {
    const pk = periodKey("financial-year", body.period.label);
    for (const r of body.indicators) {
      if (!r.available) continue;
      const counts = TARGETING[r.indicator.id];
      if (!counts) continue;
      for (const [geo, part] of [["target", "targetWards"], ["rest", "rest"], ["borough", "borough"]]) {
        for (const [count, v] of [[counts.num, r[part].count], [counts.den, r[part].denominator]] as const) {
          if (!count) continue;
          if (typeof v === "number") this.learn(this.cell(count, geo, pk, ""), v, "published");
          else if (v === "c") this.hidden.add(this.cell(count, geo, pk, ""));
        }
      }
    }
  }

  /** A ward's profile: its count for every indicator and year. */
  readProfile(ward: string, body: any): void {
    for (const r of body.indicators) {
      if (!r.available) continue;
      const counts = TARGETING[r.indicator.id];
      if (!counts) continue;
      for (const e of r.series) {
        const pk = periodKey("financial-year", e.period);
        for (const [count, v] of [[counts.num, e.count], [counts.den, e.denominator]] as const) {
          if (!count) continue;
          if (typeof v === "number") this.learn(this.cell(count, `ward:${ward}`, pk, ""), v, "published");
          else if (v === "c") this.hidden.add(this.cell(count, `ward:${ward}`, pk, ""));
        }
      }
    }
  }

  readonly drivers: {geo: string; type: string; breakdown: string; from: string; to: string; body: any}[] = [];

  /** What drove a change: each shown group's numerators; the total change and the pooled contribution are sums. */
  readDrivers(geo: Geo, type: string, breakdown: string, body: any): void {
    const g = geoKey(geo);
    const count = COUNT[body.indicator.id].num;
    const [from, to] = [periodKey(type, body.from.period), periodKey(type, body.to.period)];
    const learn = (p: string, group: string, v: Published) => {
      if (typeof v === "number") this.learn(this.cell(count, g, p, group), v, "published");
    };
    learn(from, "", body.from.numerator);
    learn(to, "", body.to.numerator);
    for (const r of body.groups) {
      if (r.group === "suppressed groups") continue;
      learn(from, `${breakdown}=${r.group}`, r.from.numerator);
      learn(to, `${breakdown}=${r.group}`, r.to.numerator);
    }
    this.drivers.push({geo: g, type, breakdown, from, to, body});
  }

  /** Every sum a reader knows of, over every count, geography, period and group seen. */
  buildEquations(): void {
    for (const d of this.drivers) {
      const count = COUNT[d.body.indicator.id].num;
      if (typeof d.body.totalChange === "number" && d.body.method === "count") {
        this.equations.push({terms: [[this.cell(count, d.geo, d.to, ""), 1], [this.cell(count, d.geo, d.from, ""), -1]], total: d.body.totalChange, why: "drivers: total change"});
      }
      const pooled = d.body.groups.find((r: any) => r.group === "suppressed groups");
      if (pooled && typeof pooled.contribution === "number" && d.body.method === "count") {
        const shown = new Set(d.body.groups.map((r: any) => r.group));
        const hiddenGroups = [...(this.groups.get(`${count}|${d.breakdown}`) ?? [])].filter((v) => !shown.has(v));
        this.equations.push({terms: hiddenGroups.flatMap((v): [string, number][] => [[this.cell(count, d.geo, d.to, `${d.breakdown}=${v}`), 1], [this.cell(count, d.geo, d.from, `${d.breakdown}=${v}`), -1]]),
          total: pooled.contribution, why: "drivers: pooled contribution"});
      }
    }
    const sum = (parts: string[], total: string, why: string) => this.equations.push({terms: [...parts.map((p): [string, number] => [p, 1]), [total, -1]], total: 0, why});
    const areas = [...this.wardsOf.keys()];
    const inT = new Set(this.target);
    const counts = [...new Set([...Object.values(COUNT), ...Object.values(TARGETING)].flatMap((c) => [c.num, ...(c.den ? [c.den] : [])]))];
    const snapshot = new Set(Object.values(COUNT).filter((c) => c.snapshot).map((c) => c.num));
    const months = [...(this.periods.get("month") ?? [])].sort();
    const allMonths = [...new Set([...months, ...[...(this.periods.get("rolling-12-months") ?? [])]])].sort();
    const quarters = [...(this.periods.get("quarter") ?? [])];
    const years = [...(this.periods.get("financial-year") ?? [])];
    const monthsOfYear = (fy: string) => {
      const y = Number(fy.slice(0, 4));
      return Array.from({length: 12}, (_, i) => `${y + (i >= 9 ? 1 : 0)}-${pad(((i + 3) % 12) + 1)}`);
    };
    const monthsOfQuarter = (q: string) => monthsOfYear(q.slice(0, 7)).slice(3 * (Number(q.slice(-1)) - 1), 3 * Number(q.slice(-1)));
    const periodKeys = [...allMonths.map((m) => `m:${m}`), ...quarters.map((q) => `q:${q}`), ...years.map((y) => `f:${y}`), ...[...(this.periods.get("rolling-12-months") ?? [])].map((m) => `r:${m}`)];
    const geos = ["borough", ...WARDS.map((w) => `ward:${w}`), ...areas.map((a) => `area:${a}`), "target", "rest", ...areas.flatMap((a) => [`target&area:${a}`, `rest&area:${a}`])];
    for (const count of counts) {
      const groupKeys = ["", ...[...this.groups].filter(([k]) => k.startsWith(`${count}|`)).flatMap(([k, vs]) => [...vs].map((v) => `${k.split("|")[1]}=${v}`))];
      for (const group of groupKeys) {
        const c = (geo: string, p: string) => this.cell(count, geo, p, group);
        for (const p of periodKeys) {
          const w = (ws: string[]) => ws.map((x) => c(`ward:${x}`, p));
          sum(w(WARDS), c("borough", p), "wards → borough");
          sum(areas.map((a) => c(`area:${a}`, p)), c("borough", p), "areas → borough");
          sum([c("target", p), c("rest", p)], c("borough", p), "target + rest → borough");
          sum(w(this.target), c("target", p), "target wards → target");
          sum(w(this.rest), c("rest", p), "rest wards → rest");
          for (const a of areas) {
            const ws = this.wardsOf.get(a)!;
            sum(w(ws), c(`area:${a}`, p), "wards → area");
            sum(w(ws.filter((x) => inT.has(x))), c(`target&area:${a}`, p), "target wards of an area");
            sum(w(ws.filter((x) => !inT.has(x))), c(`rest&area:${a}`, p), "rest wards of an area");
            sum([c(`target&area:${a}`, p), c(`rest&area:${a}`, p)], c(`area:${a}`, p), "area = its target + rest wards");
          }
          sum(areas.map((a) => c(`target&area:${a}`, p)), c("target", p), "target by area");
          sum(areas.map((a) => c(`rest&area:${a}`, p)), c("rest", p), "rest by area");
        }
        for (const geo of geos) {
          for (const q of quarters) {
            const ms = monthsOfQuarter(q).map((m) => c(geo, `m:${m}`));
            if (snapshot.has(count)) sum([ms[2]], c(geo, `q:${q}`), "a snapshot's quarter is its last month");
            else sum(ms, c(geo, `q:${q}`), "months → quarter");
          }
          for (const y of years) {
            const ms = monthsOfYear(y).map((m) => c(geo, `m:${m}`));
            if (snapshot.has(count)) sum([ms[11]], c(geo, `f:${y}`), "a snapshot's year is March");
            else {
              sum(ms, c(geo, `f:${y}`), "months → year");
              sum(quarters.filter((q) => q.startsWith(y)).map((q) => c(geo, `q:${q}`)), c(geo, `f:${y}`), "quarters → year");
            }
          }
          for (const r of this.periods.get("rolling-12-months") ?? []) {
            const i = allMonths.indexOf(r);
            if (i >= 11) sum(allMonths.slice(i - 11, i + 1).map((m) => c(geo, `m:${m}`)), c(geo, `r:${r}`), "12 months → rolling count");
          }
        }
      }
      for (const [k, vs] of this.groups) {
        const [cnt, breakdown] = k.split("|");
        if (cnt !== count) continue;
        for (const geo of geos) for (const p of periodKeys) sum([...vs].map((v) => this.cell(count, geo, p, `${breakdown}=${v}`)), this.cell(count, geo, p, ""), `${breakdown} groups → total`);
      }
    }
    // Linked definitions: referrals to assessment are the referrals with an initial or single assessment
    // outcome; child protection and domestic violence referrals are the referrals with that concern.
    for (const geo of geos) {
      for (const p of periodKeys) {
        sum([this.cell("referrals", geo, p, "outcome=initial_assessment"), this.cell("referrals", geo, p, "outcome=single_assessment")], this.cell("to-assessment", geo, p, ""), "to-assessment = initial + single assessment outcomes");
        sum([this.cell("referrals", geo, p, "concern=child_protection")], this.cell("cp-referrals", geo, p, ""), "cp-referrals = the child protection concern group");
        sum([this.cell("referrals", geo, p, "concern=domestic_violence")], this.cell("dv-referrals", geo, p, ""), "dv-referrals = the domestic violence concern group");
      }
    }
  }

  /** total − known parts when exactly one part is unknown, over every equation, until nothing new is found. */
  solve(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const e of this.equations) {
        let unknown: [string, number] | null = null;
        let several = false;
        let rest = e.total;
        for (const [k, coef] of e.terms) {
          const v = this.known.get(k);
          if (v === undefined) {
            if (unknown) {
              several = true;
              break;
            }
            unknown = [k, coef];
          } else rest -= coef * v;
        }
        if (several || !unknown) continue;
        const v = rest / unknown[1];
        if (Math.abs(v - Math.round(v)) > 1e-6) continue;
        this.learn(unknown[0], Math.round(v) + 0, e.why);
        changed = true;
      }
    }
  }
}

// ------------------------------------------------------------------ the tables it reads

const catalogue = new Reference().catalogue;
const AREAS = ["central", "north", "east", "south", "west"];
/** Luton's wards by area (data/reference/wards.csv). */
const AREA_OF_WARD: Record<string, string> = Object.fromEntries(
  csvParse(readFileSync("data/reference/wards.csv", "utf8")).filter((w) => w.la_code === "821").map((w) => [w.ward_id!, w.area_id!])
);
export const BOROUGH: Geo = {type: "borough", code: "821"};
export const TARGET_WARDS: Geo = {type: "target-wards", code: ""};
export const REST_OF_BOROUGH: Geo = {type: "rest-of-borough", code: ""};
export const GEOGRAPHIES: Geo[] = [
  BOROUGH, TARGET_WARDS, REST_OF_BOROUGH,
  ...AREAS.map((a) => ({type: "area", code: a})),
  ...WARDS.map((w) => ({type: "ward", code: w}))
];
const q = (geo: Geo) => `geography=${geo.type}${geo.code && geo.type !== "borough" ? `&code=${geo.code}` : ""}`;

/** One request the attacker makes. */
export type Table =
  | {kind: "series"; indicator: string; geo: Geo; period: string; breakdown: string | null}
  | {kind: "baseline"; indicator: string; geo: Geo; period: string}
  | {kind: "drivers"; geo: Geo; period: string; breakdown: string}
  | {kind: "targeting"; year: string}
  | {kind: "profile"; ward: string};

const periodsOf = (id: string) => catalogue.byId.get(id)!.periods as string[];
const breakdownsOf = (id: string) => Object.keys(catalogue.byId.get(id)!.breakdowns);

/** Every table the API offers for these counts: each geography, period and breakdown (some thousands of requests). */
export function everyTable(options: {breakdowns: boolean; baselines: boolean}): Table[] {
  const tables: Table[] = [];
  for (const indicator of INDICATORS) {
    for (const geo of GEOGRAPHIES) {
      for (const period of periodsOf(indicator)) {
        for (const breakdown of [null, ...(options.breakdowns ? breakdownsOf(indicator) : [])]) tables.push({kind: "series", indicator, geo, period, breakdown});
        if (options.baselines) tables.push({kind: "baseline", indicator, geo, period});
      }
    }
  }
  if (options.baselines) tables.push(...sideTables(GEOGRAPHIES, WARDS));
  return tables;
}

/**
 * A few hundred tables that still hold every kind of sum the attacker uses, over every cell:
 * - each count's totals at every geography and period type: a ward and an area breakdown of the
 *   borough give every ward and area, an area breakdown of the target wards and of the rest gives
 *   their parts in each area; a rate's value beside its denominator, by ward;
 * - every breakdown at the borough;
 * - the breakdowns the drivers and the linked definition use (referrals by source and by outcome)
 *   and the plans' category at the target wards, the rest, every area and every ward of Central
 *   (small wards, target wards and others), so group cells add up across geographies too;
 * - referrals' baselines (SPC mean, naive forecast) where they are small, the other baselines at
 *   the borough; drivers, ward targeting and the small wards' profiles.
 * What it leaves out is mostly the same cells asked for again by another route (each ward on its own).
 */
export function chosenTables(options: {breakdowns: boolean; baselines: boolean}): Table[] {
  const tables: Table[] = [];
  const series = (indicator: string, geo: Geo, breakdown: string | null) => {
    if (breakdown === null || breakdownsOf(indicator).includes(breakdown)) {
      for (const period of periodsOf(indicator)) tables.push({kind: "series", indicator, geo, period, breakdown});
    }
  };
  const central = WARDS.filter((w) => AREA_OF_WARD[w] === "central").map((w) => ({type: "ward", code: w}));
  const groupGeos = [TARGET_WARDS, REST_OF_BOROUGH, ...AREAS.map((a) => ({type: "area", code: a})), ...central];
  for (const indicator of INDICATORS) {
    const rate = /rate$/.test(indicator);
    for (const b of [null, "ward", ...(rate ? [] : ["area"])]) series(indicator, BOROUGH, b);
    for (const geo of [TARGET_WARDS, REST_OF_BOROUGH]) for (const b of [null, ...(rate ? [] : ["area"])]) series(indicator, geo, b);
    if (options.breakdowns && !rate) {
      for (const b of breakdownsOf(indicator).filter((x) => x !== "ward" && x !== "area")) series(indicator, BOROUGH, b);
      if (indicator === "referrals") for (const geo of groupGeos) for (const b of ["source", "outcome"]) series(indicator, geo, b);
      if (indicator === "cp-plans") for (const geo of groupGeos) series(indicator, geo, "category");
    }
    if (options.baselines) {
      const geos = indicator === "referrals" ? [BOROUGH, TARGET_WARDS, REST_OF_BOROUGH, {type: "ward", code: "barnfield"}] : [BOROUGH];
      for (const geo of geos) for (const period of periodsOf(indicator)) tables.push({kind: "baseline", indicator, geo, period});
    }
  }
  if (options.baselines) tables.push(...sideTables([BOROUGH, TARGET_WARDS, REST_OF_BOROUGH, {type: "area", code: "central"}, ...central.slice(0, 2)], [...SMALL]));
  return tables;
}

/** What drove a change in referrals (by source and by outcome), ward targeting and ward profiles. */
function sideTables(driverGeos: Geo[], profileWards: string[]): Table[] {
  return [
    ...driverGeos.flatMap((geo) => ["financial-year", "quarter", "month"].flatMap((period) => ["source", "outcome"].map((breakdown): Table => ({kind: "drivers", geo, period, breakdown})))),
    ...["2012/13", "2013/14"].map((year): Table => ({kind: "targeting", year})),
    ...profileWards.map((ward): Table => ({kind: "profile", ward}))
  ];
}

type App = Pick<Hono<any>, "request">;

async function get(app: App, path: string, role: string, csv = false): Promise<any> {
  const res = await app.request(path, {headers: {"x-test-role": role, ...(csv ? {accept: "text/csv"} : {})}});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} as ${role}: ${res.status} ${text.slice(0, 200)}`);
  return csv ? csvParse(text) : JSON.parse(text);
}

/** Runs `jobs` a few at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], width = 6): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({length: width}, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

/** What a reader knows without asking: which wards make each area and which are the target wards (published reference data). */
export function knowGeography(a: Attacker, referenceDir = "data/reference"): void {
  const wards = csvParse(readFileSync(`${referenceDir}/wards.csv`, "utf8")).filter((w) => w.la_code === "821");
  for (const w of wards) {
    a.areaOfWard.set(w.ward_id!, w.area_id!);
    a.wardsOf.set(w.area_id!, [...(a.wardsOf.get(w.area_id!) ?? []), w.ward_id!]);
  }
  const target = new Set<string>(JSON.parse(readFileSync(`${referenceDir}/target-wards.json`, "utf8")).wards);
  a.target = wards.map((w) => w.ward_id!).filter((w) => target.has(w));
  a.rest = wards.map((w) => w.ward_id!).filter((w) => !target.has(w));
}

/** Reads `tables` as `role` into the attacker's knowledge, alternating JSON and CSV for series. Returns the number of requests. */
export async function fetchTables(app: App, role: string, a: Attacker, tables: Table[]): Promise<number> {
  knowGeography(a);
  const ids = Object.keys(TARGETING).join(",");
  const asOf = (period: string) => (period === "financial-year" ? "2012/13" : period === "quarter" ? "2012/13 Q4" : "2013-03");
  const span: Record<string, [string, string]> = {"financial-year": ["2012/13", "2013/14"], quarter: ["2012/13 Q4", "2013/14 Q4"], month: ["2013-03", "2014-03"]};
  let n = 0;
  let requests = 0;
  const jobs = tables.map((t) => async () => {
    switch (t.kind) {
      case "series": {
        const csv = n++ % 2 === 1;
        const url = `/api/indicators/${t.indicator}/series?${q(t.geo)}&period=${t.period}${t.breakdown ? `&breakdown=${t.breakdown}` : ""}`;
        requests++;
        if (csv) {
          const rows = await get(app, url, role, true) as any[];
          const num = (v: string | undefined): Published => (v === undefined || v === "" ? null : /^-?[0-9.e+-]+$/.test(v) ? Number(v) : v);
          const points = rows.map((r) => ({period: r.period, group: r.group, numerator: num(r.numerator), denominator: num(r.denominator), value: num(r.value), lower95: num(r.lower95), flag: num(r.flag)}));
          a.readSeries(t.indicator, t.geo, t.period, t.breakdown, points, {wards: null});
        } else {
          const body = await get(app, url, role);
          a.readSeries(t.indicator, t.geo, t.period, t.breakdown, [...body.points.map((p: any) => ({...p, group: "all"})), ...(body.groups ?? [])], body.geography);
        }
        return;
      }
      case "baseline":
        for (const extra of ["method=naive", `method=auto&asOf=${asOf(t.period)}`]) {
          requests++;
          const path = `/api/indicators/${t.indicator}/baseline?${q(t.geo)}&period=${t.period}&${extra}`;
          const res = await app.request(path, {headers: {"x-test-role": role}});
          if (res.status === 422) continue; // too few points to forecast
          if (res.status !== 200) throw new Error(`${path} as ${role}: ${res.status} ${(await res.text()).slice(0, 200)}`);
          a.readBaseline(t.indicator, t.geo, t.period, await res.json());
        }
        return;
      case "drivers": {
        requests++;
        const [from, to] = span[t.period];
        a.readDrivers(t.geo, t.period, t.breakdown, await get(app, `/api/indicators/referrals/drivers?${q(t.geo)}&period=${t.period}&breakdown=${t.breakdown}&from=${from}&to=${to}`, role));
        return;
      }
      case "targeting": {
        requests += 3;
        a.readTargeting(t.year, await get(app, `/api/wards/targeting?indicators=${ids}&period=${t.year}&draws=100`, role));
        const rows = await get(app, `/api/wards/targeting?indicators=${ids}&period=${t.year}&draws=100&format=csv`, role, true) as any[];
        const num = (v: string) => (/^[0-9]+$/.test(v) ? Number(v) : v);
        const wards = new Map<string, any>();
        for (const r of rows) (wards.get(r.ward) ?? wards.set(r.ward, {id: r.ward, indicators: {}}).get(r.ward)).indicators[r.indicator] = {count: num(r.count), denominator: num(r.denominator)};
        a.readTargeting(t.year, {wards: [...wards.values()]});
        a.readSummary(await get(app, `/api/target-wards/summary?indicators=${ids}&period=${t.year}&since=2013/14`, role));
        return;
      }
      case "profile":
        requests++;
        a.readProfile(t.ward, await get(app, `/api/wards/${t.ward}/profile`, role));
        return;
    }
  });
  await pool(jobs);
  return requests;
}

/** Small counts (1–5) the attacker recovered, each with how. */
export function recoveredSmall(a: Attacker): string[] {
  return [...a.recovered]
    .filter(([k]) => {
      const v = a.known.get(k)!;
      return v >= 1 && v <= 5;
    })
    .map(([k, why]) => `${k} = ${a.known.get(k)} (by ${why})`);
}

/** Counts the viewer was shown as numbers, but the analyst sees as 1–5. */
export function exposed(viewer: Attacker, analyst: Attacker): string[] {
  return [...analyst.known].filter(([k, v]) => v >= 1 && v <= 5 && viewer.known.has(k)).map(([k]) => k);
}
