import {readFileSync} from "node:fs";
import {csvParse} from "d3";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {loadCatalogue} from "../../../api/oba/catalogue.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Disclosure control that no combination of queries can undo (METHODS §7).
 *
 * A scratch warehouse holds two financial years of referrals and child protection plans with many
 * ward × month counts of 1–5. An attacker with the viewer role fetches every series it can — each
 * ward, area, the target wards, the rest of the borough and the borough; by month, quarter, financial
 * year and rolling 12 months; with no breakdown and with every breakdown; as JSON and as CSV; and the
 * baseline endpoint for each — and then tries to recover every hidden count by linear subtraction:
 * for every sum it knows of (wards → area → borough, target + rest = borough, the target wards of an
 * area, months → quarters → years, 12 months → a rolling count, a breakdown's groups → the total, a
 * percentage's numerator = two outcome groups of referrals, the SPC mean of a baseline = the mean of
 * its history, a naive forecast = the last history value, value × denominator = numerator), total −
 * known parts when exactly one part is unknown, iterated to a fixed point across every table. No
 * count the analyst sees as 1–5 may be recovered; the analyst gets the unsuppressed numbers.
 */

const s = obaScratch("curve-suppression-", {appStore: false});

// Deterministic pseudo-random numbers for the fixture.
let seed = 20140401;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const pad = (n: number) => String(n).padStart(2, "0");

const WARDS = ["barnfield", "biscot", "bramingham", "challney", "crawley", "dallow", "farley", "high-town", "icknield", "leagrave", "lewsey",
  "limbury", "northwell", "round-green", "saints", "south", "stopsley", "sundon-park", "wigmore"];
/** Small wards: most of their monthly counts are 1–5. */
const SMALL = new Set(["barnfield", "saints", "south", "wigmore", "icknield"]);

beforeAll(async () => {
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
  const run = await s.run();
  expect(run.status).toBe("published");
  expect(run.extracts.every((e) => e.rowsQuarantined === 0), JSON.stringify(run.extracts.map((e) => e.warnings))).toBe(true);
}, 300_000);
afterAll(() => s.close());

// ------------------------------------------------------------------ the attacker

type Published = number | string | null;
interface Point {
  period: string;
  group: string;
  numerator: Published;
  denominator: Published;
  value: Published;
  lower95?: Published;
  flag?: Published;
}

/** What counts a catalogue figure is made of, as a reader of the catalogue knows it. */
const COUNT: Record<string, {num: string; den: string | null; snapshot: boolean}> = {
  "referrals": {num: "referrals", den: null, snapshot: false},
  "referral-rate": {num: "referrals", den: null, snapshot: false},
  "re-referrals": {num: "re-referrals", den: "referrals", snapshot: false},
  "referral-to-assessment": {num: "to-assessment", den: "referrals", snapshot: false},
  "cp-plans": {num: "cp-plans", den: null, snapshot: true},
  "cp-rate": {num: "cp-plans", den: null, snapshot: true}
};
const INDICATORS = Object.keys(COUNT);
/** The ward-targeting measures: catalogue indicators, and two that count a concern group of referrals. */
const TARGETING: Record<string, {num: string; den: string | null}> = {
  "referrals": {num: "referrals", den: null},
  "re-referrals": {num: "re-referrals", den: "referrals"},
  "referral-to-assessment": {num: "to-assessment", den: "referrals"},
  "cp-plans": {num: "cp-plans", den: null},
  "cp-referrals": {num: "cp-referrals", den: null},
  "dv-referrals": {num: "dv-referrals", den: null}
};

interface Geo {
  type: string;
  code: string;
}
const geoKey = (g: Geo) => (g.type === "borough" ? "borough" : g.type === "target-wards" ? "target" : g.type === "rest-of-borough" ? "rest" : `${g.type}:${g.code}`);

/** Months are YYYY-MM; quarters and years are keyed by their label, rolling windows by their last month. */
const periodKey = (type: string, label: string) => `${type[0]}:${label}`;

class Attacker {
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
      if (p.numerator === "c") expect([p.value, p.lower95 ?? "c", p.flag], `${ind} ${g} ${p.period} ${p.group}`).toEqual(["c", "c", "c"]);
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

// ------------------------------------------------------------------ fetching

const catalogue = loadCatalogue();
const GEOGRAPHIES: Geo[] = [
  {type: "borough", code: "821"}, {type: "target-wards", code: ""}, {type: "rest-of-borough", code: ""},
  ...["central", "north", "east", "south", "west"].map((a) => ({type: "area", code: a})),
  ...WARDS.map((w) => ({type: "ward", code: w}))
];
const q = (geo: Geo) => `geography=${geo.type}${geo.code && geo.type !== "borough" ? `&code=${geo.code}` : ""}`;

async function get(path: string, role: string, csv = false) {
  const res = await s.app.request(path, {headers: {"x-test-role": role, ...(csv ? {accept: "text/csv"} : {})}});
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
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

/** Every series the role can ask for, read into an attacker's knowledge. `formats`: alternate JSON and CSV. */
async function fetchAll(role: string, a: Attacker, options: {breakdowns: boolean; baselines: boolean}) {
  const jobs: (() => Promise<void>)[] = [];
  let n = 0;
  for (const id of INDICATORS) {
    const ind = catalogue.byId.get(id)!;
    for (const geo of GEOGRAPHIES) {
      for (const type of ind.periods) {
        for (const breakdown of [null, ...(options.breakdowns ? Object.keys(ind.breakdowns) : [])]) {
          const csv = n++ % 2 === 1;
          const url = `/api/indicators/${id}/series?${q(geo)}&period=${type}${breakdown ? `&breakdown=${breakdown}` : ""}`;
          jobs.push(async () => {
            if (csv) {
              const rows = await get(url, role, true) as any[];
              const num = (v: string | undefined): Published => (v === undefined || v === "" ? null : /^-?[0-9.e+-]+$/.test(v) ? Number(v) : v);
              const points = rows.map((r) => ({period: r.period, group: r.group, numerator: num(r.numerator), denominator: num(r.denominator), value: num(r.value), lower95: num(r.lower95), flag: num(r.flag)}));
              // The CSV carries no ward list: the JSON of the same geography gives it (fetched alongside).
              a.readSeries(id, geo, type, breakdown, points, {wards: null});
            } else {
              const body = await get(url, role);
              a.readSeries(id, geo, type, breakdown, [...body.points.map((p: any) => ({...p, group: "all"})), ...(body.groups ?? [])], body.geography);
            }
          });
        }
        if (options.baselines) {
          for (const extra of ["method=naive", "method=auto&asOf=" + (type === "financial-year" ? "2012/13" : type === "quarter" ? "2012/13 Q4" : "2013-03")]) {
            jobs.push(async () => {
              const res = await s.app.request(`/api/indicators/${id}/baseline?${q(geo)}&period=${type}&${extra}`, {headers: {"x-test-role": role}});
              if (res.status === 422) return; // too few points to forecast
              expect(res.status).toBe(200);
              a.readBaseline(id, geo, type, await res.json());
            });
          }
        }
      }
    }
  }
  if (options.baselines) {
    // What drove the change in referrals between two periods, by source and by outcome.
    for (const geo of GEOGRAPHIES) {
      for (const [type, from, to] of [["financial-year", "2012/13", "2013/14"], ["quarter", "2012/13 Q4", "2013/14 Q4"], ["month", "2013-03", "2014-03"]]) {
        for (const breakdown of ["source", "outcome"]) {
          jobs.push(async () => a.readDrivers(geo, type, breakdown, await get(`/api/indicators/referrals/drivers?${q(geo)}&period=${type}&breakdown=${breakdown}&from=${from}&to=${to}`, role)));
        }
      }
    }
    // Ward targeting, the target-ward summary and every ward's profile.
    const ids = Object.keys(TARGETING).join(",");
    for (const year of ["2012/13", "2013/14"]) {
      jobs.push(async () => a.readTargeting(year, await get(`/api/wards/targeting?indicators=${ids}&period=${year}&draws=100`, role)));
      jobs.push(async () => {
        const rows = await get(`/api/wards/targeting?indicators=${ids}&period=${year}&draws=100&format=csv`, role, true) as any[];
        const num = (v: string) => (/^[0-9]+$/.test(v) ? Number(v) : v);
        const wards = new Map<string, any>();
        for (const r of rows) (wards.get(r.ward) ?? wards.set(r.ward, {id: r.ward, indicators: {}}).get(r.ward)).indicators[r.indicator] = {count: num(r.count), denominator: num(r.denominator)};
        a.readTargeting(year, {wards: [...wards.values()]});
      });
      jobs.push(async () => a.readSummary(await get(`/api/target-wards/summary?indicators=${ids}&period=${year}&since=2013/14`, role)));
    }
    for (const w of WARDS) jobs.push(async () => a.readProfile(w, await get(`/api/wards/${w}/profile`, role)));
  }
  await pool(jobs);
}

describe("disclosure control against an attacker who combines every table", () => {
  const viewer = new Attacker();
  const analyst = new Attacker();

  beforeAll(async () => {
    await fetchAll("viewer", viewer, {breakdowns: true, baselines: true});
    // The analyst's view of every geography and period (without breakdowns, to keep the test quick).
    await fetchAll("analyst", analyst, {breakdowns: false, baselines: false});
    viewer.buildEquations();
    viewer.solve();
  }, 900_000);

  it("the analyst gets the unsuppressed numbers: no c anywhere, and the small counts are there", async () => {
    expect(analyst.hidden.size).toBe(0);
    const targeting = await get(`/api/wards/targeting?indicators=${Object.keys(TARGETING).join(",")}&period=2013/14&draws=100`, "analyst");
    expect(JSON.stringify(targeting)).not.toMatch(/"c"/);
    const small = [...analyst.known].filter(([, v]) => v >= 1 && v <= 5);
    expect(small.length).toBeGreaterThan(200);
    // A small ward's monthly referrals are among them.
    expect(small.some(([k]) => /^referrals\|ward:(barnfield|saints|south|wigmore|icknield)\|m:/.test(k))).toBe(true);
  });

  it("the viewer is shown no count of 1 to 5 and hides every one the analyst sees", () => {
    const shown = [...viewer.known].filter(([k, v]) => !viewer.recovered.has(k) && v >= 1 && v <= 5);
    expect(shown).toEqual([]);
    for (const [k, v] of analyst.known) {
      if (v >= 1 && v <= 5 && !k.includes("&")) expect(viewer.hidden.has(k) || !viewer.known.has(k), k).toBe(true);
    }
  });

  it("recovers nothing small by subtraction across every table, period, geography and breakdown", () => {
    expect(viewer.leaks).toEqual([]);
    const recoveredSmall = [...viewer.recovered]
      .filter(([k]) => {
        const v = viewer.known.get(k)!;
        return v >= 1 && v <= 5;
      })
      .map(([k, why]) => `${k} = ${viewer.known.get(k)} (by ${why})`);
    expect(recoveredSmall).toEqual([]);
    // Whatever the attacker did recover agrees with the analyst's figures (its sums are the right ones).
    for (const [k] of viewer.recovered) {
      const truth = analyst.known.get(k);
      if (truth !== undefined) expect(viewer.known.get(k), k).toBe(truth);
    }
    // And no count the analyst sees as 1-5 is among what the viewer knows.
    const exposed = [...analyst.known].filter(([k, v]) => v >= 1 && v <= 5 && viewer.known.has(k)).map(([k]) => k);
    expect(exposed).toEqual([]);
  });

  it("the attack is real: on the same tables without the lattice, per-request suppression gives small counts away", () => {
    const naive = new Attacker();
    // Wards A (3), B (20), C (40) of a 63 borough, suppressed one request at a time: A and B hidden in
    // one table, A and C in another (a different request chose a different partner).
    naive.learn("x|ward:c|m:1|", 40, "published");
    naive.learn("x|borough|m:1|", 63, "published");
    naive.learn("x|ward:b|m:1|", 20, "published");
    naive.equations.push({terms: [["x|ward:a|m:1|", 1], ["x|ward:b|m:1|", 1], ["x|ward:c|m:1|", 1], ["x|borough|m:1|", -1]], total: 0, why: "wards → borough"});
    naive.solve();
    expect(naive.known.get("x|ward:a|m:1|")).toBe(3);
  });
});

// ------------------------------------------------------------------ providers

describe("a provider never sees another provider's counts, alone or by differencing pools", () => {
  const p = obaScratch("curve-suppression-providers-", {appStore: false});
  const ME = "parenting-works";
  const as = {"x-test-role": "provider", "x-test-provider": ME};
  // 2013/14 episodes: Triple P by three providers (one of them also runs home visiting), and four
  // providers on their own programmes, two of them with fewer than six episodes.
  const DELIVERY: [string, string, number][] = [
    [ME, "triple-p", 30], ["lbc-family-support", "triple-p", 25], ["home-start-luton", "triple-p", 7],
    ["home-start-luton", "home-start-visiting", 4], ["fnp-luton", "family-nurse-partnership", 12], ["lbc-fgc", "family-group-conference", 3], ["beds-dapp", "dapp", 9]
  ];
  beforeAll(async () => {
    let child = 0;
    const episodes = DELIVERY.flatMap(([provider, programme, n]) => Array.from({length: n}, (_, i) => row("service_episodes", {
      child_key: ++child, provider_id: provider, programme_id: programme, level_of_need: 2 + (i % 2),
      referral_date: "2013-05-01", start_date: "2013-05-08", end_date: i % 4 === 3 ? "" : "2013-10-01",
      end_reason: i % 4 === 3 ? "" : ["completed", "completed", "disengaged"][i % 3], outcome_pre: 40, outcome_post: i % 4 === 3 ? "" : 40 + (i % 3) * 6, unit_cost: 500
    })));
    p.extract("service_episodes", 2013, episodes);
    const run = await p.run();
    expect(run.status).toBe("published");
  }, 300_000);
  afterAll(() => p.close());

  const get = async (path: string) => {
    const res = await p.app.request(path, {headers: as});
    return {status: res.status, body: res.status === 200 ? await res.json() as any : null};
  };

  it("refuses every other provider's report card and every pool with fewer than two other providers", async () => {
    const list = (await get("/api/providers")).body;
    // A provider is shown only its own id, so try every provider the reference data holds, as an attacker would.
    const everyProvider = (JSON.parse(readFileSync("data/reference/providers.json", "utf8")) as {providers: {provider_id: string}[]}).providers.map((p) => p.provider_id);
    expect(list.providers.map((p: {id: string}) => p.id)).toEqual([ME]);
    for (const id of everyProvider) {
      const res = await get(`/api/providers/${id}/report-card?period=2013/14`);
      expect(res.status, id).toBe(id === ME ? 200 : 403);
    }
    for (const g of list.programmes) {
      const others = (g.providerCount ?? g.providers.length) - (g.providers.includes(ME) ? 1 : 0);
      expect((await get(`/api/providers/programmes/${g.id}/report-card?period=2013/14`)).status, g.id).toBe(others >= 2 ? 200 : 403);
    }
  });

  it("recovers no other provider's count by subtracting pools it may see", async () => {
    const list = (await get("/api/providers")).body;
    const pairsOf = new Map<string, string[]>(); // unit → (provider/programme) pairs it pools
    const allPairs = new Set<string>();
    for (const g of list.programmes) {
      const pairs = g.providers.map((x: string) => `${x}/${g.id}`);
      pairsOf.set(`programme:${g.id}`, pairs);
      pairs.forEach((x: string) => allPairs.add(x));
    }
    for (const pr of list.providers) {
      const pairs = [...allPairs].filter((x) => x.startsWith(`${pr.id}/`));
      pairsOf.set(`provider:${pr.id}`, pairs);
    }
    pairsOf.set("all", [...allPairs]);
    // Everything the provider is shown, as (unit, figure) → number.
    const seen = new Map<string, number>();
    const note = (unit: string, figure: string, v: unknown) => {
      if (typeof v === "number") seen.set(`${unit}|${figure}`, v);
    };
    const proportions = list.measures.filter((m: any) => m.statistic === "proportion" && !m.dataDevelopment).map((m: any) => m.id);
    for (const m of proportions) {
      for (const scope of [null, ...list.programmes.map((g: any) => g.id)]) {
        const res = await get(`/api/providers/compare?measure=${m}&period=2013/14${scope ? `&programme=${scope}` : ""}`);
        if (res.status !== 200) continue;
        const unit = scope ? `programme:${scope}` : "all";
        note(unit, `${m}:numerator`, res.body.pooled.numerator);
        note(unit, `${m}:denominator`, res.body.pooled.denominator);
        for (const r of res.body.providers) {
          expect(r.providerId, "a provider sees only its own row").toBe(ME);
          note(`provider:${r.providerId}`, `${m}:numerator`, r.numerator);
          note(`provider:${r.providerId}`, `${m}:denominator`, r.denominator);
        }
      }
    }
    const vfm = (await get("/api/providers/value-for-money?period=2013/14")).body;
    for (const r of vfm.rows) {
      const unit = r.kind === "all" ? "all" : `${r.kind}:${r.id}`;
      if (r.kind === "provider") expect(r.id).toBe(ME);
      for (const f of ["episodesEnded", "betterOff", "totalCost"]) note(unit, `vfm:${f}`, r[f]);
    }
    for (const g of list.programmes) {
      const res = await get(`/api/providers/programmes/${g.id}/report-card?period=2013/14`);
      if (res.status !== 200) continue;
      for (const m of res.body.measures) for (const h of m.baseline?.history ?? []) {
        note(`programme:${g.id}`, `${m.id}:${h.period}:numerator`, h.numerator);
        note(`programme:${g.id}`, `${m.id}:${h.period}:denominator`, h.denominator);
      }
    }
    // Subtraction over pairs, figure by figure: a pool is the sum of its pairs.
    const figures = new Set([...seen.keys()].map((k) => k.split("|")[1]));
    const recovered: string[] = [];
    for (const f of figures) {
      const known = new Map<string, number>();
      const units = [...pairsOf.keys()].filter((u) => seen.has(`${u}|${f}`));
      for (let changed = true; changed; ) {
        changed = false;
        for (const u of units) {
          const unknown = pairsOf.get(u)!.filter((x) => !known.has(x));
          if (unknown.length !== 1) continue;
          known.set(unknown[0], seen.get(`${u}|${f}`)! - pairsOf.get(u)!.filter((x) => known.has(x)).reduce((s, x) => s + known.get(x)!, 0));
          changed = true;
        }
      }
      for (const [pair, v] of known) if (!pair.startsWith(`${ME}/`)) recovered.push(`${pair} ${f} = ${v}`);
    }
    expect(recovered).toEqual([]);
    // The provider did see pooled figures (the test reads real responses).
    expect([...seen.keys()].some((k) => k.startsWith("all|"))).toBe(true);
  });
});
