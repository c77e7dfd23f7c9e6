/**
 * England scale: the same extract shapes for every authority in authorities.csv, from a simple
 * generative model (no calibration to local figures). Rows are streamed to files as they are
 * made, one authority at a time, so memory stays flat however many authorities there are.
 */
import {join} from "node:path";
import {addWorkingDays, dayOf, fyEnd, fyOf, fyStart, isoDay, isoMonth, monthOfDay, weekday, type Day} from "./calendar.js";
import {MARAC_AGENCIES, sexCode, type Sex} from "./codes.js";
import {csvCell, CsvFileWriter} from "./csv.js";
import {EXTRACT_COLUMNS, EXTRACT_TYPES, extractFileName, formatId, type ExtractType} from "./extracts.js";
import {syntheticAreaIds, syntheticWardIds, wardChildren, wardsOf, type Authority, type ReferenceData} from "./geography.js";
import type {ChildKeyer} from "./keys.js";
import {Alias, type Rng} from "./rng.js";
import {contactDayWeight, officeDayWeight} from "./seasonality.js";
import type {WrittenFile} from "./demo-writer.js";
import type {ProgressEvent} from "./generate.js";

/** England's referral rate: about 650,000 a year for 11.5 million children. */
const REFERRALS_PER_CHILD = 0.0565;

const ISO_BASE = dayOf(1980, 1, 1);
const ISO_CACHE: string[] = [];
function iso(day: Day | null): string {
  if (day === null) return "";
  const i = day - ISO_BASE;
  return (ISO_CACHE[i] ??= isoDay(day));
}
const MONTH_CACHE = new Map<number, string>();
function month(m: number): string {
  let s = MONTH_CACHE.get(m);
  if (!s) MONTH_CACHE.set(m, (s = isoMonth(m)));
  return s;
}

const ETHNICITY = {
  general: new Alias(["White", "Asian", "Black", "Mixed", "Other", "Missing"], [0.72, 0.11, 0.06, 0.06, 0.02, 0.03]),
  london: new Alias(["White", "Asian", "Black", "Mixed", "Other", "Missing"], [0.4, 0.2, 0.2, 0.1, 0.07, 0.03])
};
const AGES = new Alias([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], [2, 9, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5.3, 5.5, 5.8, 6, 6, 5, 3.5]);
const CONCERNS = new Alias(["domestic_violence", "general_childcare", "child_protection", "homeless", "other"], [0.27, 0.4, 0.17, 0.03, 0.13]);
const SOURCES = new Alias(["6", "2A", "1A", "3A", "3B", "3C", "5A", "5D", "4", "8", "9"], [0.29, 0.17, 0.09, 0.04, 0.04, 0.06, 0.1, 0.04, 0.03, 0.03, 0.11]);
const NOT_ASSESSED = new Alias(["nfa", "early_help", "signposted"], [0.5, 0.3, 0.2]);
const FACTORS = new Alias(["3B", "4B", "2B", "1B", "21", "3A", "5B", "6A", "4A", "11A", "13A", "7A"], [22, 18, 9, 7, 15, 5, 3, 4, 5, 2, 2, 1]);
const CATEGORIES = new Alias(["NEG", "EMO", "PHY", "SAB", "MUL"], [0.46, 0.35, 0.08, 0.05, 0.06]);
const LEGAL = new Alias(["C1", "C2", "V2", "E1", "J1", "L1"], [0.3, 0.15, 0.38, 0.04, 0.03, 0.1]);
const PLACEMENTS = new Alias(["U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "P1", "H5", "Z1"], [6, 4, 25, 5, 18, 9, 6, 10, 5, 8, 4]);
const REASONS = new Alias(["E11", "E12", "E13", "E41", "E45", "E8"], [0.08, 0.06, 0.35, 0.1, 0.11, 0.3]);
const LEAD = new Alias(["Schools", "Health", "RAT", "LBC", "YOS", "Other", "GCP"], [0.38, 0.17, 0.14, 0.14, 0.07, 0.06, 0.04]);
const END_REASONS = new Alias(["completed", "disengaged", "moved_away", "stepped_up", "stepped_down", "declined"], [0.68, 0.13, 0.03, 0.06, 0.04, 0.06]);
const MARAC_MIX = new Alias([...MARAC_AGENCIES], [55, 24, 5, 1, 1, 4, 2, 1, 1.5, 3, 1.5, 0.5, 4]);
const MARAC_QUOTED = MARAC_AGENCIES.map((a) => csvCell(a));
const CHILDREN_IN_HOUSEHOLD = new Alias([0, 1, 2, 3, 4, 5, 6], [0.3, 0.25, 0.22, 0.13, 0.06, 0.03, 0.01]);

interface ChildRecord {
  key: string;
  birthMonth: number;
  sex: Sex;
  ethnicity: string;
  ward: number;
  day: Day;
}

interface Geography {
  wardIds: string[];
  areaIds: string[];
  weights: number[];
}

function geographyFor(rng: Rng, ref: ReferenceData, a: Authority): Geography {
  const real = wardsOf(ref, a.laCode);
  if (real.length) {
    return {wardIds: real.map((w) => w.id), areaIds: real.map((w) => w.area), weights: real.map((w) => wardChildren(w, 2015) * (0.5 + 2 * w.idaci))};
  }
  const wardIds = syntheticWardIds(a.laCode, a.wardCount);
  return {wardIds, areaIds: syntheticAreaIds(a.wardCount), weights: wardIds.map(() => rng.logNormal(1, 0.3) * rng.logNormal(1, 0.45))};
}

/** One authority's open files, keyed by type and year; rows for years not asked for are dropped. */
class AuthorityFiles {
  private readonly writers = new Map<string, CsvFileWriter>();
  private readonly serials = new Map<ExtractType, number>();
  constructor(
    readonly laCode: string,
    readonly years: readonly number[],
    outDir: string
  ) {
    for (const type of EXTRACT_TYPES) {
      this.serials.set(type, 0);
      for (const fy of years) this.writers.set(`${type}/${fy}`, new CsvFileWriter(join(outDir, extractFileName(type, laCode, fy)), EXTRACT_COLUMNS[type]));
    }
  }
  nextId(type: ExtractType): string {
    const n = this.serials.get(type)! + 1;
    this.serials.set(type, n);
    return formatId(type, this.laCode, n);
  }
  /** Writer for the year of `day`; records open before the first year go in its file. */
  writer(type: ExtractType, day: Day): CsvFileWriter | null {
    const fy = Math.max(fyOf(day), this.years[0]);
    return this.writers.get(`${type}/${fy}`) ?? null;
  }
  close(): WrittenFile[] {
    const out: WrittenFile[] = [];
    for (const [k, w] of this.writers) {
      w.close();
      const [type, fy] = k.split("/");
      out.push({path: w.path, type: type as ExtractType, laCode: this.laCode, fy: Number(fy), rows: w.rows});
    }
    return out;
  }
}

function birthMonthFor(rng: Rng, age: number, day: Day): number {
  const m = monthOfDay(day);
  if (age < 0) return m + rng.range(1, 5);
  if (age === 0) return m - rng.int(12);
  return m - 12 * age - rng.range(1, 11);
}

function factorList(rng: Rng): string {
  const n = 1 + (rng.chance(0.45) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);
  const set = new Set<string>();
  for (let i = 0; i < n; i++) set.add(FACTORS.draw(rng));
  if (set.size > 1) set.delete("21");
  return [...set].sort((a, b) => parseFloat(a) - parseFloat(b) || a.localeCompare(b)).join(";");
}

function generateAuthority(rng: Rng, ref: ReferenceData, keyer: ChildKeyer, a: Authority, years: number[], outDir: string, rateFactor: number): WrittenFile[] {
  const la = a.laCode;
  const geo = geographyFor(rng.fork("geography"), ref, a);
  const wards = new Alias(geo.weights.map((_, i) => i), geo.weights);
  const ethnicity = a.region === "London" ? ETHNICITY.london : ETHNICITY.general;
  const files = new AuthorityFiles(la, years, outDir);
  const first = fyStart(years[0]);
  const last = fyEnd(years[years.length - 1]);
  let serial = 0;

  const newChild = (day: Day, age: number, ward = wards.draw(rng)): ChildRecord => {
    serial++;
    const sex: Sex = age < 0 && rng.chance(0.55) ? "unknown" : rng.chance(0.512) ? "male" : rng.chance(0.99) ? "female" : "unknown";
    return {key: keyer.key(la, `c${serial}`), birthMonth: birthMonthFor(rng, age, day), sex, ethnicity: ethnicity.draw(rng), ward, day};
  };
  const ageOf = (c: ChildRecord, day: Day) => Math.floor((monthOfDay(day) - c.birthMonth) / 12);

  const writePlan = (c: ChildRecord, start: Day, end: Day | null, sequence: number) => {
    const w = files.writer("cp_plans", start);
    if (!w) return;
    const fy = Math.max(fyOf(start), years[0]);
    w.writeLine(`${files.nextId("cp_plans")},${c.key},${la},${month(c.birthMonth)},${sexCode(c.sex, fy)},${c.ethnicity},${geo.wardIds[c.ward]},${iso(start)},${iso(end)},${CATEGORIES.draw(rng)},${sequence},${factorList(rng)}`);
  };
  /** `fixedEnd`: the end already chosen (the opening stock); otherwise one is drawn. */
  const writeCare = (c: ChildRecord, start: Day, fixedEnd?: Day) => {
    const w = files.writer("looked_after", start);
    if (!w || start > last || ageOf(c, start) < 0 || ageOf(c, start) > 17) return;
    const age = ageOf(c, start);
    const u = rng.next();
    const years18 = firstOfMonth(c.birthMonth + 216) - 1;
    const drawn = start + Math.round(u < 0.35 ? rng.logNormal(60, 0.8) : u < 0.7 ? 365 * rng.logNormal(1.1, 0.5) : 365 * rng.logNormal(3.5, 0.6));
    let end: Day | null = Math.min(fixedEnd ?? drawn, years18);
    if (end > last) end = null;
    const reason = end === null ? "" : end === years18 ? "E8" : REASONS.draw(rng);
    const fy = Math.max(fyOf(start), years[0]);
    w.writeLine(`${files.nextId("looked_after")},${c.key},${la},${month(c.birthMonth)},${sexCode(c.sex, fy)},${c.ethnicity},${geo.wardIds[c.ward]},${iso(start)},${iso(end)},${age >= 16 ? "V2" : LEGAL.draw(rng)},${PLACEMENTS.draw(rng)},${reason}`);
  };

  // Plans and care episodes already open when the first year starts: each is drawn as time
  // already spent plus time still to run, so every one of them is open on the first day.
  for (let i = rng.poisson(a.childPopulation * 0.0042 * rateFactor); i > 0; i--) {
    const start = first - 1 - Math.round(365 * rng.logNormal(0.35, 0.8));
    const c = newChild(start, AGES.draw(rng));
    const end = first + Math.round(365 * rng.logNormal(0.4, 0.8));
    if (monthOfDay(end) - c.birthMonth >= 216) continue;
    writePlan(c, start, end > last ? null : end, rng.chance(0.15) ? 2 : 1);
  }
  for (let i = rng.poisson(a.childPopulation * 0.006 * Math.sqrt(rateFactor)); i > 0; i--) {
    const c = newChild(first, 1 + rng.int(17));
    const born = firstOfMonth(c.birthMonth + 1);
    const start = Math.max(born, first - 1 - Math.round(365 * rng.logNormal(1.8, 0.8)));
    if (start >= first || monthOfDay(first) - c.birthMonth >= 216) continue;
    writeCare(c, start, first + 1 + Math.round(365 * rng.logNormal(1.5, 0.8)));
  }

  const recent: ChildRecord[] = [];
  let head = 0;
  const perDay = (a.childPopulation * REFERRALS_PER_CHILD * rateFactor) / 260;
  const cafPerDay = (perDay * 0.35 * 365) / 253;
  const servicePerDay = (perDay * 0.3 * 365) / 253;
  const cohortSize = a.childPopulation / 18;
  let nextMarac = first + ((9 - weekday(first)) % 7);

  for (let day = first; day <= last; day++) {
    const fy = fyOf(day);
    const single = fy >= 2014;
    // Referrals, and whatever each one leads to.
    const n = rng.poisson(perDay * contactDayWeight(day));
    while (head < recent.length && recent[head].day <= day - 365) head++;
    if (head > 50_000) {
      recent.splice(0, head);
      head = 0;
    }
    for (let i = 0; i < n; i++) {
      let child: ChildRecord;
      let upper = recent.length;
      while (upper > head && recent[upper - 1].day > day - 7) upper--;
      if (upper > head && rng.chance(0.23)) {
        const prior = recent[head + rng.int(upper - head)];
        child = {...prior, day};
        if (ageOf(child, day) > 17) child = newChild(day, AGES.draw(rng));
      } else child = newChild(day, AGES.draw(rng));
      recent.push(child);
      const concern = CONCERNS.draw(rng);
      const source = concern === "domestic_violence" && rng.chance(0.7) ? "6" : SOURCES.draw(rng);
      const assessed = rng.chance(0.7);
      const referralId = files.nextId("referrals");
      files.writer("referrals", day)!.writeLine(
        `${referralId},${child.key},${la},${month(child.birthMonth)},${sexCode(child.sex, fy)},${child.ethnicity},${geo.wardIds[child.ward]},${iso(day)},${source},${concern},${assessed ? "initial_assessment" : NOT_ASSESSED.draw(rng)}`
      );
      if (!assessed) continue;
      const start = addWorkingDays(day, rng.chance(0.3) ? 1 : 0);
      const limit = single ? 45 : 10;
      const done = addWorkingDays(start, rng.chance(0.78) ? rng.range(1, limit - 2) : rng.range(limit + 3, limit * 3));
      const ward = geo.wardIds[child.ward];
      const aw = files.writer("assessments", start);
      aw?.writeLine(`${files.nextId("assessments")},${referralId},${child.key},${la},${ward},${single ? "single" : "initial"},${iso(start)},${done > last ? "" : iso(done)},${done > last ? "" : factorList(rng)}`);
      if (!rng.chance(0.42)) {
        if (!single && rng.chance(0.12)) {
          const coreDone = addWorkingDays(done, rng.chance(0.78) ? rng.range(10, 33) : rng.range(38, 80));
          if (done <= last) files.writer("assessments", done)?.writeLine(`${files.nextId("assessments")},${referralId},${child.key},${la},${ward},core,${iso(done)},${coreDone > last ? "" : iso(coreDone)},${coreDone > last ? "" : factorList(rng)}`);
        }
        if (rng.chance(0.035)) writeCare(child, day + rng.range(0, 60));
        continue;
      }
      const s47 = addWorkingDays(single ? start : done, rng.range(1, 8));
      if (!single && done <= last) {
        const coreDone = addWorkingDays(done, rng.chance(0.78) ? rng.range(10, 33) : rng.range(38, 80));
        files.writer("assessments", done)?.writeLine(`${files.nextId("assessments")},${referralId},${child.key},${la},${ward},core,${iso(done)},${coreDone > last ? "" : iso(coreDone)},${coreDone > last ? "" : factorList(rng)}`);
      }
      if (s47 > last) continue;
      const conference = rng.chance(0.42);
      const icpc = conference ? addWorkingDays(s47, rng.range(5, 15)) : null;
      const plan = icpc !== null && icpc <= last && ageOf(child, icpc) <= 17 && rng.chance(0.85);
      const outcome = icpc !== null && icpc > last ? "pending" : plan ? "plan" : "no_plan";
      files.writer("s47", s47)?.writeLine(`${files.nextId("s47")},${child.key},${la},${ward},${iso(s47)},${icpc !== null && icpc <= last ? iso(icpc) : ""},${outcome}`);
      if (plan) {
        const end = Math.min(icpc! + Math.round(365 * rng.logNormal(0.62, 0.75)), firstOfMonth(child.birthMonth + 216) - 1);
        writePlan(child, icpc!, end > last ? null : end, rng.chance(0.16) ? 2 : 1);
        if (end <= last && rng.chance(0.15)) writeCare(child, end);
      } else if (rng.chance(0.05)) writeCare(child, day + rng.range(0, 60));
    }

    // Early help assessments and commissioned services on working days.
    const office = officeDayWeight(day);
    if (office > 0) {
      for (let i = rng.poisson(cafPerDay * office); i > 0; i--) {
        const c = newChild(day, Math.max(0, AGES.draw(rng)));
        const lead = LEAD.draw(rng);
        const step = lead === "RAT" ? "down" : rng.chance(0.12) ? "up" : "none";
        const outcome = step === "up" ? "stepped_up" : day > last - 150 && rng.chance(0.7) ? "open" : rng.chance(0.76) ? "closed_needs_met" : "disengaged";
        files.writer("early_help", day)!.writeLine(
          `${files.nextId("early_help")},${c.key},${la},${month(c.birthMonth)},${geo.wardIds[c.ward]},${geo.areaIds[c.ward]},${iso(day)},${lead},${step === "down" || rng.chance(0.3) ? 3 : 2},${step},${outcome}`
        );
      }
      for (let i = rng.poisson(servicePerDay * office); i > 0; i--) {
        const provider = ref.providers[rng.int(ref.providers.length)];
        const programme = provider.programmes[0];
        const [lo, hi] = programme.age_band.split("-").map(Number);
        const c = newChild(day, rng.range(lo, hi));
        const level = programme.level_of_need[rng.int(programme.level_of_need.length)];
        const reason = END_REASONS.draw(rng);
        const start = reason === "declined" ? null : day + rng.range(5, 45);
        let end: Day | null = start === null ? day + rng.range(5, 30) : start + rng.range(40, 300);
        const open = start !== null && end > last;
        if (start !== null && start > last) continue;
        if (open) end = null;
        const pre = 20 + rng.int(30);
        const post = !open && reason === "completed" ? pre + Math.round(rng.normal(programme.reliable_change * (1.4 - 0.2 * level), programme.reliable_change)) : null;
        const cost = reason === "declined" ? 0 : reason === "completed" || open ? programme.unit_cost : Math.round(programme.unit_cost * 50) / 100;
        files.writer("service_episodes", day)!.writeLine(
          `${files.nextId("service_episodes")},${c.key},${la},${month(c.birthMonth)},${geo.wardIds[c.ward]},${provider.provider_id},${programme.programme_id},${iso(day)},${iso(start)},${iso(end)},${open ? "" : reason},${level},${start === null ? "" : pre},${post ?? ""},${cost}`
        );
      }
    }

    if (day === nextMarac) {
      const label = `${iso(day).slice(8, 10)}/${iso(day).slice(5, 7)}/${iso(day).slice(0, 4)}`;
      for (let i = rng.poisson(perDay * 0.11 * 260 * (21 / 365)); i > 0; i--) {
        const agency = MARAC_MIX.draw(rng);
        files.writer("marac", day)!.writeLine(`${files.nextId("marac")},${la},${label},${iso(day)},${MARAC_QUOTED[MARAC_AGENCIES.indexOf(agency)]},${rng.chance(0.29) ? "Y" : "N"},${CHILDREN_IN_HOUSEHOLD.draw(rng)}`);
      }
      nextMarac += 21;
    }

    // November snapshot of young people of academic age 16–18; the same cohorts recur each year.
    const c = civilMonthDay(day);
    if (c === 1130) {
      const year = Math.floor(monthOfDay(day) / 12);
      const pw = files.writer("participation", day)!;
      for (let cohort = year - 19; cohort <= year - 17; cohort++) {
        const cohortRng = rng.fork(`cohort/${cohort}/${year}`);
        const size = Math.round(cohortSize * (1 + 0.01 * (cohort - 1995)));
        const stable = rng.fork(`cohort/${cohort}`);
        for (let i = 0; i < size; i++) {
          // Person attributes come from a stream that depends only on the cohort, so they repeat across snapshots.
          const bm = cohort * 12 + 8 + stable.int(12);
          const sexU = stable.next();
          const sex: Sex = sexU < 0.512 ? "male" : sexU < 0.997 ? "female" : "unknown";
          const eth = ethnicity.draw(stable);
          const ward = wards.draw(stable);
          const risk = stable.logNormal(1, 0.5);
          const u = cohortRng.next();
          const activity = u < 0.052 * risk ? "NEET" : u > 0.95 ? "unknown" : "EET";
          pw.writeLine(`${keyer.key(la, `y${cohort}-${i}`)},${la},${month(bm)},${sexCode(sex, fy)},${eth},${geo.wardIds[ward]},${iso(day)},${activity}`);
        }
      }
    }
  }
  return files.close();
}

function firstOfMonth(m: number): Day {
  return dayOf(Math.floor(m / 12), (m % 12) + 1, 1);
}

function civilMonthDay(day: Day): number {
  const s = iso(day);
  return Number(s.slice(5, 7)) * 100 + Number(s.slice(8, 10));
}

export function generateEnglandScale(
  rng: Rng,
  ref: ReferenceData,
  keyer: ChildKeyer,
  years: number[],
  outDir: string,
  onProgress: (e: ProgressEvent) => void
): WrittenFile[] {
  const authorities = [...ref.authorities].sort((a, b) => a.laCode.localeCompare(b.laCode));
  // Authority-level variation in demand, scaled so England's total stays about 650,000.
  const factorRng = rng.fork("rate-factors");
  const raw = authorities.map(() => factorRng.logNormal(1, 0.22));
  const totalChildren = authorities.reduce((s, a) => s + a.childPopulation, 0);
  const norm = authorities.reduce((s, a, i) => s + a.childPopulation * raw[i], 0) / totalChildren;
  const span: number[] = [];
  for (let fy = years[0]; fy <= years[years.length - 1]; fy++) span.push(fy);
  const written: WrittenFile[] = [];
  authorities.forEach((a, i) => {
    const files = generateAuthority(rng.fork(`la/${a.laCode}`), ref, keyer, a, span, outDir, raw[i] / norm).filter((f) => years.includes(f.fy));
    written.push(...files);
    for (const type of EXTRACT_TYPES) {
      const mine = files.filter((f) => f.type === type);
      onProgress({laCode: a.laCode, type, files: mine.length, rows: mine.reduce((s, f) => s + f.rows, 0), done: i + 1, of: authorities.length});
    }
  });
  return written;
}
