/**
 * Measures the demo extracts against their calibration targets, straight from the CSV files:
 * `npx tsx pipelines/demo/calibration.ts [dir]` prints the markdown table kept in
 * docs/demo-data.md. (The tests compute their own figures; this is for the documentation.)
 */
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {parse} from "csv-parse/sync";
import {fyOf, fyPeriod, fyQuarter, parseIsoDay} from "./calendar.js";
import {fyEndDate, fyStartDate} from "../../shared/calendar.js";

type Row = Record<string, string>;

export interface CalibrationLine {
  group: string;
  measure: string;
  target: string;
  achieved: string;
}

function load(dir: string, type: string, la: string): Row[] {
  const files = readdirSync(dir).filter((f) => f.startsWith(`${type}_${la}_`)).sort();
  return files.flatMap((f) => parse(readFileSync(join(dir, f), "utf8"), {columns: true}) as Row[]);
}

const openOn = (day: string) => (r: Row) => r.start_date <= day && (r.end_date === "" || r.end_date > day);
const inFy = (fy: number, date: string) => fyOf(parseIsoDay(date)) === fy;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const monthsBetween = (birthMonth: string, date: string) =>
  (Number(date.slice(0, 4)) - Number(birthMonth.slice(0, 4))) * 12 + Number(date.slice(5, 7)) - Number(birthMonth.slice(5, 7));
const ageAt = (birthMonth: string, date: string) => Math.floor(monthsBetween(birthMonth, date) / 12);
const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;

function workingDaysAfter(start: string, end: string): number {
  let n = 0;
  for (let t = Date.parse(start) + 86_400_000; t <= Date.parse(end); t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

export function measureCalibration(dir: string, targetWards: string[], referenceDir = "data/reference"): CalibrationLine[] {
  const out: CalibrationLine[] = [];
  const add = (group: string, measure: string, target: string, achieved: string) => out.push({group, measure, target, achieved});
  const isTarget = (r: Row) => targetWards.includes(r.ward);

  // Looked after (Luton)
  const la = load(dir, "looked_after", "821");
  add("Looked after (exact)", "open at 31 March 2013", "388", String(la.filter(openOn("2013-03-31")).length));
  // The API divides a 2012/13 snapshot by the mid-year estimate of 2012/13's own year, mid-2012.
  const children2012 = (parse(readFileSync(join(referenceDir, "population.csv"), "utf8"), {columns: true}) as Row[])
    .filter((p) => p.la_code === "821" && p.year === "2012")
    .reduce((s, p) => s + Number(p.children), 0);
  add("Looked after (exact)", "per 10,000 children at 31 March 2013 (÷ mid-2012 children)", "79.1 (388 / 49,050)", `${((10_000 * la.filter(openOn("2013-03-31")).length) / children2012).toFixed(1)} (${la.filter(openOn("2013-03-31")).length} / ${children2012.toLocaleString("en-GB")})`);
  add("Looked after (exact)", "open at 30 June 2013", "385", String(la.filter(openOn("2013-06-30")).length));
  const starts13 = la.filter((r) => inFy(2012, r.start_date));
  add("Looked after (exact)", "started care in 2012/13", "157", String(starts13.length));
  const byWard = new Map<string, number>();
  for (const r of starts13) byWard.set(r.ward, (byWard.get(r.ward) ?? 0) + 1);
  const top5 = [...byWard].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([w]) => w);
  const ethnicities = ["Asian", "Black", "Mixed", "Other", "White", "Missing"];
  const byEthnicity = (rs: Row[]) => ethnicities.map((e) => rs.filter((r) => r.ethnicity === e).length).join("/");
  add("Looked after (exact)", "started 2012/13 by ethnicity A/B/Mx/O/W/Missing", "20/11/31/14/79/2", byEthnicity(starts13));
  add("Looked after (exact)", "in care 31 March 2013 by ethnicity A/B/Mx/O/W/Missing", "55/29/56/16/230/2", byEthnicity(la.filter(openOn("2013-03-31"))));
  add("Looked after", "entrants 2012/13 from the 5 target wards", "the most (top wards)", `${pct(starts13.filter(isTarget).length / starts13.length)}; top 5 wards: ${top5.join(", ")}`);

  // Child protection plans
  const cp = load(dir, "cp_plans", "821");
  const q4 = cp.filter(openOn("2013-03-31"));
  add("CP plans", "open at 31 March 2013", "194", String(q4.length));
  add("CP plans", "first plan among those open at 31 March 2013", "78.9%", pct(q4.filter((r) => r.plan_sequence === "1").length / q4.length));
  const ages = new Map<number, number>();
  for (const r of q4) ages.set(ageAt(r.birth_month, "2013-03-31"), (ages.get(ageAt(r.birth_month, "2013-03-31")) ?? 0) + 1);
  const largest = [...ages].sort((a, b) => b[1] - a[1])[0];
  add("CP plans", "under-1s at 31 March 2013 (largest single age)", "29 (largest)", `${ages.get(0) ?? 0} (largest: age ${largest[0]}, ${largest[1]})`);
  const jan14 = cp.filter(openOn("2014-01-31"));
  add("CP plans", "open at 31 January 2014", "270", String(jan14.length));
  const cat = (c: string) => jan14.filter((r) => r.category === c).length;
  add("CP plans", "category at 31 Jan 2014 EMO/NEG/SAB/PHY/MUL", "101/115/5/5/44", ["EMO", "NEG", "SAB", "PHY", "MUL"].map(cat).join("/"));
  const eth = (e: string) => jan14.filter((r) => r.ethnicity === e).length;
  add("CP plans", "ethnicity at 31 Jan 2014 Asian/Black/Mixed/Other/White/Missing", "50/19/28/40/130/3", ["Asian", "Black", "Mixed", "Other", "White", "Missing"].map(eth).join("/"));
  const mar14 = cp.filter(openOn("2014-03-21"));
  add("CP plans", "open at 21 March 2014", "278", String(mar14.length));
  add("CP plans", "of whom domestic abuse (3A–3C) a factor", "106", String(mar14.filter((r) => /(^|;)3[ABC](;|$)/.test(r.factors)).length));
  for (const [fy, target] of [[2012, "17.6%"], [2011, "11.8%"], [2010, "10.5%"]] as const) {
    const s = cp.filter((r) => inFy(fy, r.start_date));
    add("CP plans", `second or subsequent plans, ${fy}/${(fy + 1) % 100}`, target, pct(s.filter((r) => r.plan_sequence !== "1").length / s.length));
  }
  const ended13 = cp.filter((r) => r.end_date && inFy(2012, r.end_date));
  add("CP plans", "plans ending 2012/13 that lasted 2+ years", "9.2% (not forced)", pct(ended13.filter((r) => days(r.start_date, r.end_date) >= 730).length / ended13.length));

  // Referrals
  const ref = load(dir, "referrals", "821");
  const ref12 = ref.filter((r) => inFy(2012, r.referral_date));
  const ref11 = ref.filter((r) => inFy(2011, r.referral_date));
  add("Referrals", "referrals 2012/13", "3,003 exactly", ref12.length.toLocaleString("en-GB"));
  add("Referrals", "referrals 2011/12 (fall to 2012/13)", "≈ 5,775 (48%)", `${ref11.length.toLocaleString("en-GB")} (${pct(1 - ref12.length / ref11.length)})`);
  const byChild = new Map<string, string[]>();
  for (const r of [...ref].sort((a, b) => a.referral_date.localeCompare(b.referral_date))) byChild.set(r.child_key, [...(byChild.get(r.child_key) ?? []), r.referral_date]);
  const reReferral = (r: Row) => (byChild.get(r.child_key) ?? []).some((d) => d < r.referral_date && days(d, r.referral_date) <= 365);
  add("Referrals", "re-referrals within 12 months 2012/13 (2011/12)", "28.2% (28.5%)", `${pct(ref12.filter(reReferral).length / ref12.length)} (${pct(ref11.filter(reReferral).length / ref11.length)})`);
  const ia = (rs: Row[]) => rs.filter((r) => r.outcome === "initial_assessment").length / rs.length;
  add("Referrals", "referral → initial assessment 2012/13 (2011/12)", "69.3% (86.2%)", `${pct(ia(ref12))} (${pct(ia(ref11))})`);
  const share = (rs: Row[], c: string) => rs.filter((r) => r.primary_concern === c).length / rs.length;
  add("Referrals", "concern 2012/13: DV / general childcare / CP / homeless", "20.3% / 52.1% / 16.8% / 2.68%", ["domestic_violence", "general_childcare", "child_protection", "homeless"].map((c) => pct(share(ref12, c))).join(" / "));
  add("Referrals", "domestic violence share 2011/12", "32%", pct(share(ref11, "domestic_violence")));
  const fromTarget = (c: string) => {
    const rs = ref12.filter((r) => r.primary_concern === c);
    return rs.filter(isTarget).length / rs.length;
  };
  add("Referrals", "from the 5 target wards: CP / DV referrals 2012/13", "34% / 37%", `${pct(fromTarget("child_protection"))} / ${pct(fromTarget("domestic_violence"))}`);
  add("Referrals", "police-sourced referrals 2012/13", "25–35%", pct(ref12.filter((r) => r.source === "6").length / ref12.length));
  const monthly = new Map<string, number>();
  for (const r of ref.filter((x) => x.referral_date >= fyStartDate(2009) && x.referral_date <= fyEndDate(2015))) monthly.set(r.referral_date.slice(5, 7), (monthly.get(r.referral_date.slice(5, 7)) ?? 0) + 1);
  const mean = [...monthly.values()].reduce((a, b) => a + b, 0) / 12;
  add("Referrals", "seasonality: August / December vs the average month", "fewer", `${pct((monthly.get("08") ?? 0) / mean)} / ${pct((monthly.get("12") ?? 0) / mean)}`);

  const asm = load(dir, "assessments", "821");
  const onTime = (type: string, limit: number, fy: number) => {
    const done = asm.filter((a) => a.assessment_type === type && a.completion_date && inFy(fy, a.completion_date));
    return done.filter((a) => workingDaysAfter(a.start_date, a.completion_date) <= limit).length / done.length;
  };
  add("Assessments", "initial on time (10 working days) 2012/13", "73.4%", pct(onTime("initial", 10, 2012)));
  add("Assessments", "core on time (35 working days) 2012/13", "74.9%", pct(onTime("core", 35, 2012)));
  const s47 = load(dir, "s47", "821").filter((r) => inFy(2012, r.start_date));
  add("Assessments", "s47 enquiries → initial conference 2012/13", "55%", pct(s47.filter((r) => r.icpc_date).length / s47.length));

  // Early Help effect: target wards against the rest of the borough, 2015/16 vs 2008/09–2013/14.
  const effect = (rows: Row[], dateField: string, filter: (r: Row) => boolean) => {
    const count = (fy: number, target: boolean) => rows.filter((r) => inFy(fy, r[dateField]) && filter(r) && isTarget(r) === target).length;
    const ratio = (fy: number) => count(fy, true) / count(fy, false);
    const before = [2008, 2009, 2010, 2011, 2012, 2013].map(ratio);
    const base = before.reduce((a, b) => a + b, 0) / before.length;
    return {
      target: `${pct(ratio(2014) / base - 1)} in 2014/15, ${pct(ratio(2015) / base - 1)} in 2015/16`,
      rest: pct(count(2015, false) / count(2013, false) - 1)
    };
  };
  for (const [label, rows, field, filter] of [
    ["CP plan starts", cp, "start_date", () => true],
    ["DV referrals", ref, "referral_date", (r: Row) => r.primary_concern === "domestic_violence"],
    ["entries to care", la, "start_date", () => true]
  ] as const) {
    const e = effect(rows, field, filter);
    add("Early Help effect", `${label}: target wards relative to the rest, vs 2008/09–2013/14`, "−20 to −30% by 2015/16", e.target);
    add("Early Help effect", `${label}: rest of borough 2015/16 vs 2013/14`, "no turn", e.rest);
  }
  const reRate = (fy: number, target: boolean) => {
    const rs = ref.filter((r) => inFy(fy, r.referral_date) && isTarget(r) === target);
    return pct(rs.filter(reReferral).length / rs.length);
  };
  add("Early Help effect", "re-referrals (target wards / rest) 2013/14 → 2015/16", "no turn", `${reRate(2013, true)} / ${reRate(2013, false)} → ${reRate(2015, true)} / ${reRate(2015, false)}`);

  // CAF, MARAC, NEET
  const caf = load(dir, "early_help", "821");
  const quarterOf = (d: string) => `${fyPeriod(fyOf(parseIsoDay(d)))} Q${fyQuarter(parseIsoDay(d))}`;
  const cafCells = (area: string) =>
    ["2011/12 Q1", "2011/12 Q2", "2011/12 Q3", "2011/12 Q4", "2012/13 Q1", "2012/13 Q2", "2012/13 Q3", "2012/13 Q4"].map((q) => caf.filter((r) => r.area === area && quarterOf(r.completed_date) === q).length).join(" ");
  for (const [area, target] of [["central", "15 8 14 6 11 22 18 0"], ["east", "6 5 7 7 16 13 9 10"], ["north", "12 13 10 10 28 5 5 14"], ["south", "5 13 10 13 30 15 9 18"], ["west", "15 11 22 5 25 34 16 14"]]) {
    add("CAFs (exact)", `${area}, 2011/12 Q1 … 2012/13 Q4`, target, cafCells(area));
  }
  const agencyCells = (agency: string, quarters: string[]) => quarters.map((q) => caf.filter((r) => r.lead_agency === agency && quarterOf(r.completed_date) === q).length).join(" ");
  const y11 = ["2011/12 Q1", "2011/12 Q2", "2011/12 Q3", "2011/12 Q4"];
  const y12 = ["2012/13 Q1", "2012/13 Q2", "2012/13 Q3", "2012/13 Q4"];
  const printedAgencies: [string, string, string][] = [
    ["Schools", "35 27 28 30", "32 24 28 29"], ["Health", "7 11 16 5", "12 5 10 10"], ["RAT", "– – – –", "58 52 10 6"], ["LBC", "11 11 17 6", "7 7 9 6"],
    ["YOS", "– – – –", "– – 13 7"], ["Other", "0 1 2 0", "0 0 0 0"], ["GCP", "– – – –", "– 10 0 –"]
  ];
  for (const [agency, printed] of printedAgencies) add("CAFs by agency, 2011/12 (exact; – = blank)", `${agency}, Q1 … Q4`, printed, agencyCells(agency, y11));
  for (const [agency, , printed] of printedAgencies) {
    add("CAFs by agency, 2012/13 (does not reconcile: scaled to the area totals, see data-quality note)", `${agency}, Q1 … Q4`, printed, agencyCells(agency, y12));
  }
  add("CAFs", "CAFs per year 2013/14 → 2015/16", "rising", [2013, 2014, 2015].map((fy) => caf.filter((r) => inFy(fy, r.completed_date)).length).join(" → "));
  const marac = load(dir, "marac", "821");
  const m12 = marac.filter((r) => inFy(2012, r.meeting_date));
  add("MARAC (exact)", "2012/13 cases / repeats / children", "363 / 109 / 525", `${m12.length} / ${m12.filter((r) => r.repeat_case === "Y").length} / ${m12.reduce((s, r) => s + Number(r.children_in_household), 0)}`);
  add("MARAC", "2011/12 cases", "244", String(marac.filter((r) => inFy(2011, r.meeting_date)).length));
  const neet = load(dir, "participation", "821").filter((r) => r.snapshot_date === "2013-11-30");
  const n = (f: (r: Row) => boolean) => neet.filter(f).length;
  add("NEET", "November 2013 NEET / cohort", "405 / ≈7,360 (5.5%)", `${n((r) => r.activity === "NEET")} / ${neet.length} (${pct(n((r) => r.activity === "NEET") / neet.length)})`);
  add("NEET", "by sex M / F / unknown", "223 / 179 / 3", ["1", "2", "9"].map((s) => n((r) => r.sex === s && r.activity === "NEET")).join(" / "));
  add("NEET", "by ethnicity A/B/Mx/O/W/Missing", "97/27/35/3/209/34", ["Asian", "Black", "Mixed", "Other", "White", "Missing"].map((e) => n((r) => r.ethnicity === e && r.activity === "NEET")).join("/"));

  // Leeds
  const leedsLa = load(dir, "looked_after", "383");
  for (const fy of [2011, 2012]) {
    const s = leedsLa.filter((r) => inFy(fy, r.start_date));
    const band = (lo: number, hi: number) => s.filter((r) => ageAt(r.birth_month, r.start_date) >= lo && ageAt(r.birth_month, r.start_date) <= hi).length;
    add("Leeds (exact)", `started care ${fy}/${(fy + 1) % 100}: <1 / 1–4 / 5–9 / 10–15 / 16+ (total)`, fy === 2011 ? "160 / 97 / 71 / 74 / 18 (420)" : "136 / 94 / 59 / 73 / 13 (375)", `${band(0, 0)} / ${band(1, 4)} / ${band(5, 9)} / ${band(10, 15)} / ${band(16, 17)} (${s.length})`);
  }
  const infants = leedsLa.filter((r) => (inFy(2011, r.start_date) || inFy(2012, r.start_date)) && ageAt(r.birth_month, r.start_date) === 0);
  add("Leeds", "infant entrants 2011/12–2012/13 from JESS + Inner East", "39%", pct(infants.filter((r) => r.ward === "leeds-jess" || r.ward === "leeds-inner-east").length / infants.length));
  const calendarShare = (from: string, to: string) => {
    const s = leedsLa.filter((r) => r.start_date >= from && r.start_date <= to);
    return s.filter((r) => ageAt(r.birth_month, r.start_date) === 0).length / s.length;
  };
  add("Leeds", "infant share of entrants 2009 / 2010 / 2011 / Jan–Jun 2012", "26% / 25% / 33% / 44%", [["2009-01-01", "2009-12-31"], ["2010-01-01", "2010-12-31"], ["2011-01-01", "2011-12-31"], ["2012-01-01", "2012-06-30"]].map(([a, b]) => pct(calendarShare(a, b))).join(" / "));
  const leedsRef = load(dir, "referrals", "383");
  for (const fy of [2011, 2012]) {
    const s = leedsRef.filter((r) => inFy(fy, r.referral_date));
    const u1 = s.filter((r) => ageAt(r.birth_month, r.referral_date) < 1).length;
    const u5 = s.filter((r) => ageAt(r.birth_month, r.referral_date) >= 1 && ageAt(r.birth_month, r.referral_date) <= 4).length;
    add("Leeds (exact)", `referrals ${fy}/${(fy + 1) % 100}: under 1 (incl. unborn) / 1–4`, fy === 2011 ? "2,154 / 3,581" : "1,556 / 2,946", `${u1.toLocaleString("en-GB")} / ${u5.toLocaleString("en-GB")}`);
  }

  // Service episodes
  const se = load(dir, "service_episodes", "821");
  const rc: Record<string, number> = {"triple-p": 3};
  const improved = (rs: Row[]) => {
    const done = rs.filter((r) => r.outcome_post !== "");
    return done.filter((r) => Number(r.outcome_post) - Number(r.outcome_pre) >= rc["triple-p"]).length / done.length;
  };
  for (const provider of ["parenting-works", "lbc-family-support"]) {
    const rs = se.filter((r) => r.provider_id === provider && r.programme_id === "triple-p");
    const levels = [2, 3, 4].map((l) => rs.filter((r) => r.level_of_need === String(l))).map((x) => (x.length ? pct(improved(x)) : "–"));
    add("Providers", `Triple P, ${provider}: mean need / % reliably improved (by need 2/3/4)`, "harder cases look worse raw, similar by need", `${(rs.reduce((s, r) => s + Number(r.level_of_need), 0) / rs.length).toFixed(2)} / ${pct(improved(rs))} (${levels.join(" / ")})`);
  }
  const episodeEnds = se.filter((r) => r.end_date);
  const laterReferred = episodeEnds.filter((e) => (byChild.get(e.child_key) ?? []).some((d) => d > e.end_date && days(e.end_date, d) <= 365)).length;
  add("Providers", "service episodes ended then referred within 12 months", "some", `${laterReferred} of ${episodeEnds.length}`);
  add("Providers", "episodes per year 2008/09 → 2015/16", "hundreds to ~2,000", [2008, 2015].map((fy) => se.filter((r) => inFy(fy, r.referral_date)).length).join(" → "));
  return out;
}

/** Headline series per financial year, for the documentation's "other years" table. */
export function yearlySeries(dir: string): string[][] {
  const ref = load(dir, "referrals", "821");
  const cp = load(dir, "cp_plans", "821");
  const la = load(dir, "looked_after", "821");
  const caf = load(dir, "early_help", "821");
  const marac = load(dir, "marac", "821");
  const part = load(dir, "participation", "821");
  const leedsLa = load(dir, "looked_after", "383");
  const leedsRef = load(dir, "referrals", "383");
  const history = new Map<string, string[]>();
  for (const r of [...ref].sort((a, b) => a.referral_date.localeCompare(b.referral_date))) history.set(r.child_key, [...(history.get(r.child_key) ?? []), r.referral_date]);
  const reReferral = (r: Row) => history.get(r.child_key)!.some((d) => d < r.referral_date && days(d, r.referral_date) <= 365);
  const out = [["year", "referrals", "re-referral", "→ assessment", "CP starts", "CP open 31 Mar", "care starts", "looked after 31 Mar", "CAFs", "MARAC", "NEET Nov", "Leeds care starts", "Leeds looked after 31 Mar", "Leeds referrals"]];
  for (let fy = 2008; fy <= 2015; fy++) {
    const r = ref.filter((x) => inFy(fy, x.referral_date));
    const end = fyEndDate(fy);
    const nov = part.filter((x) => x.snapshot_date === `${fy}-11-30`);
    out.push([
      fyPeriod(fy),
      r.length.toLocaleString("en-GB"),
      pct(r.filter(reReferral).length / r.length),
      pct(r.filter((x) => x.outcome === "initial_assessment").length / r.length),
      String(cp.filter((x) => inFy(fy, x.start_date)).length),
      String(cp.filter(openOn(end)).length),
      String(la.filter((x) => inFy(fy, x.start_date)).length),
      String(la.filter(openOn(end)).length),
      String(caf.filter((x) => inFy(fy, x.completed_date)).length),
      String(marac.filter((x) => inFy(fy, x.meeting_date)).length),
      pct(nov.filter((x) => x.activity === "NEET").length / nov.length),
      String(leedsLa.filter((x) => inFy(fy, x.start_date)).length),
      leedsLa.filter(openOn(end)).length.toLocaleString("en-GB"),
      leedsRef.filter((x) => inFy(fy, x.referral_date)).length.toLocaleString("en-GB")
    ]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? "data/demo-extracts";
  const target = JSON.parse(readFileSync("data/reference/target-wards.json", "utf8")).wards as string[];
  let group = "";
  console.log("| area | measure | target | achieved |\n|---|---|---|---|");
  for (const l of measureCalibration(dir, target)) {
    console.log(`| ${l.group === group ? "" : l.group} | ${l.measure} | ${l.target} | ${l.achieved} |`);
    group = l.group;
  }
  const series = yearlySeries(dir);
  console.log(`\n| ${series[0].join(" | ")} |\n|${series[0].map(() => "---").join("|")}|`);
  for (const row of series.slice(1)) console.log(`| ${row.join(" | ")} |`);
}
