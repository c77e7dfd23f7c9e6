/**
 * Referrals, assessments and section 47 enquiries. Journeys that end in a plan or in care are
 * built backwards from that end (the "backbone"); the rest of each year's referrals fill the
 * published totals, concern mix, conversion and re-referral rate around them.
 */
import {addWorkingDays, fyEnd, fyOf, fyStart, isWorkingDay, monthOfDay, subtractWorkingDays, type Day} from "../calendar.js";
import type {CinFactor, Concern, ReferralOutcome, ReferralSource} from "../codes.js";
import {DATA_END, DEMO_YEARS, RecentReferrals, WINDOW_START, ageAt, isOpenCase, type Assessment, type CareEpisode, type Child, type ChildRegistry, type Enquiry, type PendingContact, type Plan, type Referral} from "../model.js";
import {AGE_MIX, drawAge, newChild, type WardPicker} from "../people.js";
import {apportion, ShareTracker} from "../quotas.js";
import type {Rng} from "../rng.js";
import {DaySampler, contactDayWeight} from "../seasonality.js";
import type {Ward} from "../geography.js";
import * as T from "./targets.js";

const SOURCE_MIX: Record<Concern, Partial<Record<ReferralSource, number>>> = {
  domestic_violence: {"6": 0.74, "1A": 0.05, "2A": 0.03, "3A": 0.02, "3B": 0.02, "3C": 0.03, "4": 0.01, "5A": 0.03, "5D": 0.01, "8": 0.02, "9": 0.04},
  child_protection: {"6": 0.24, "2A": 0.22, "3C": 0.1, "3A": 0.05, "3B": 0.08, "1A": 0.09, "5A": 0.08, "5D": 0.02, "4": 0.01, "8": 0.04, "9": 0.07},
  general_childcare: {"2A": 0.2, "1A": 0.17, "3A": 0.06, "3B": 0.08, "3C": 0.06, "5A": 0.1, "6": 0.12, "5D": 0.04, "4": 0.03, "8": 0.04, "9": 0.1},
  homeless: {"1A": 0.4, "4": 0.35, "6": 0.05, "5A": 0.05, "9": 0.15},
  other: {"2A": 0.15, "1A": 0.15, "3A": 0.08, "3C": 0.08, "5A": 0.12, "6": 0.15, "5D": 0.02, "9": 0.2, "8": 0.03, "4": 0.02}
};

// Early help became a route to the front door once the strategy's hub existed.
const SOURCE_MIX_FROM_2014 = Object.fromEntries(
  Object.entries(SOURCE_MIX).map(([c, mix]) => [c, {...mix, ...(mix["5D"] ? {"5D": mix["5D"] * 3} : {})}])
) as typeof SOURCE_MIX;

export function drawSource(rng: Rng, concern: Concern, fy: number): ReferralSource {
  return rng.choose((fy >= 2014 ? SOURCE_MIX_FROM_2014 : SOURCE_MIX)[concern] as Record<ReferralSource, number>);
}

function otherOutcome(rng: Rng, fy: number): ReferralOutcome {
  if (fy <= 2011) return rng.choose({nfa: 0.6, early_help: 0.15, signposted: 0.25});
  if (fy <= 2013) return rng.choose({nfa: 0.45, early_help: 0.35, signposted: 0.2});
  return rng.choose({nfa: 0.35, early_help: 0.45, signposted: 0.2});
}

const ASSESSMENT_WEIGHT: Record<Concern, number> = {child_protection: 3, domestic_violence: 1.6, general_childcare: 1, homeless: 1.3, other: 0.7};
const ENQUIRY_WEIGHT: Record<Concern, number> = {child_protection: 4, domestic_violence: 2, general_childcare: 1, homeless: 0.3, other: 0.5};

export function assessmentFactors(rng: Rng, concern: Concern, age: number): CinFactor[] {
  const f = new Set<CinFactor>();
  if (concern === "domestic_violence") f.add(rng.chance(0.75) ? "3B" : rng.chance(0.6) ? "3A" : "3C");
  else if (rng.chance(concern === "child_protection" ? 0.22 : 0.1)) f.add("3B");
  if (rng.chance(concern === "general_childcare" ? 0.12 : 0.22)) f.add("4B");
  if (rng.chance(0.08)) f.add("1B");
  if (rng.chance(0.1)) f.add("2B");
  if (rng.chance(0.04)) f.add("5B");
  if (rng.chance(0.05)) f.add("6A");
  if (age >= 10 && rng.chance(0.06)) f.add("4A");
  if (age >= 11 && rng.chance(0.04)) f.add("2A");
  if (age >= 12 && rng.chance(0.03)) f.add("11A");
  if (age >= 13 && rng.chance(0.03)) f.add("13A");
  if (age >= 8 && rng.chance(0.02)) f.add("7A");
  if (f.size === 0) f.add("21");
  return sortFactors([...f]);
}

export function sortFactors(f: CinFactor[]): CinFactor[] {
  return f.sort((a, b) => parseFloat(a) - parseFloat(b) || a.localeCompare(b));
}

const usesSingleAssessment = (referralDate: Day) => fyOf(referralDate) >= T.SINGLE_ASSESSMENT_FROM;
const nextWorkingDay = (day: Day) => (isWorkingDay(day) ? day : addWorkingDays(day, 0));
const known = (day: Day) => (day > DATA_END ? null : day);

interface FrontDoor {
  referrals: Referral[];
  assessments: Assessment[];
  enquiries: Enquiry[];
}

function referralFor(rng: Rng, child: Child, date: Day, concern: Concern): Referral {
  child.uses++;
  return {child, date, concern, source: drawSource(rng, concern, fyOf(date)), outcome: "initial_assessment", backbone: true};
}

/** Referral → initial → core → s47 → conference, walked back from the day the plan began. */
function chainForPlan(rng: Rng, plan: Plan, out: FrontDoor): void {
  const child = plan.child!;
  const icpc = plan.start;
  const s47Start = subtractWorkingDays(icpc, rng.range(5, 15));
  const concern: Concern = plan.domesticAbuse
    ? rng.choose({domestic_violence: 0.6, child_protection: 0.27, general_childcare: 0.13})
    : rng.choose({child_protection: 0.52, general_childcare: 0.33, other: 0.1, domestic_violence: 0.05});
  const coreStart = subtractWorkingDays(s47Start, rng.range(0, 2));
  const iaOnTime = rng.chance(T.INITIAL_ON_TIME[fyOf(coreStart)] ?? 0.75);
  const iaStart = subtractWorkingDays(coreStart, iaOnTime ? rng.range(1, 6) : rng.range(15, 32));
  let referralDate = rng.chance(0.25) ? iaStart - 1 : iaStart;
  const single = usesSingleAssessment(referralDate);
  let singleStart = 0;
  if (single) {
    // Single assessments began on 1 April 2014: none may be dated before it.
    singleStart = Math.max(subtractWorkingDays(s47Start, rng.range(2, 10)), nextWorkingDay(fyStart(T.SINGLE_ASSESSMENT_FROM)));
    referralDate = singleStart;
  }
  if (referralDate < WINDOW_START) return;
  const referral = referralFor(rng, child, referralDate, concern);
  out.referrals.push(referral);
  const factors = plan.factors;
  if (single) {
    const onTime = rng.chance(T.SINGLE_ON_TIME[fyOf(singleStart)] ?? 0.8);
    const completion = known(addWorkingDays(singleStart, onTime ? rng.range(15, 42) : rng.range(50, 80)));
    out.assessments.push({referral, type: "single", start: singleStart, completion, factors: completion ? factors : [], adjustable: false});
  } else {
    out.assessments.push({referral, type: "initial", start: iaStart, completion: coreStart, factors: assessmentFactors(rng, concern, Math.max(0, ageAt(child, iaStart))), adjustable: false});
    const coreOnTime = rng.chance(T.CORE_ON_TIME[fyOf(coreStart)] ?? 0.78);
    const completion = known(addWorkingDays(coreStart, coreOnTime ? rng.range(12, 32) : rng.range(40, 70)));
    out.assessments.push({referral, type: "core", start: coreStart, completion, factors: completion ? factors : [], adjustable: false});
  }
  out.enquiries.push({child, start: s47Start, icpc, outcome: "plan"});
}

/** Care entrants not already on a plan came through the front door shortly before. */
function chainForCare(rng: Rng, episode: CareEpisode, out: FrontDoor): void {
  const child = episode.child;
  const age = ageAt(child, episode.start);
  const concern: Concern =
    age >= 16
      ? rng.choose({homeless: 0.4, other: 0.3, general_childcare: 0.3})
      : rng.choose({child_protection: 0.35, general_childcare: 0.4, domestic_violence: 0.15, other: 0.1});
  const referralDate = episode.start - rng.range(0, 45);
  if (referralDate < WINDOW_START) return;
  const referral = referralFor(rng, child, referralDate, concern);
  out.referrals.push(referral);
  addAssessments(rng, referral, out, {enquiry: age < 16 && rng.chance(0.3), conference: false, core: rng.chance(0.5)});
}

interface Downstream {
  core: boolean;
  enquiry: boolean;
  conference: boolean;
}

function addAssessments(rng: Rng, referral: Referral, out: FrontDoor, next: Downstream): void {
  const child = referral.child;
  const start = nextWorkingDay(referral.date + (rng.chance(0.25) ? 1 : 0));
  if (start > DATA_END) return;
  const fy = fyOf(referral.date);
  const age = Math.max(0, ageAt(child, start));
  const factors = () => assessmentFactors(rng, referral.concern, age);
  let enquiryFrom: Day;
  if (usesSingleAssessment(referral.date)) {
    const onTime = rng.chance(T.SINGLE_ON_TIME[fy] ?? 0.8);
    const completion = known(addWorkingDays(start, onTime ? rng.range(15, 42) : rng.range(50, 80)));
    out.assessments.push({referral, type: "single", start, completion, factors: completion ? factors() : [], adjustable: !next.enquiry});
    enquiryFrom = addWorkingDays(start, rng.range(2, 10));
  } else {
    const onTime = rng.chance(T.INITIAL_ON_TIME[fy] ?? 0.75);
    const iaEnd = addWorkingDays(start, onTime ? rng.range(1, 6) : rng.range(15, 35));
    const hasCore = next.core || next.enquiry;
    out.assessments.push({referral, type: "initial", start, completion: known(iaEnd), factors: iaEnd <= DATA_END ? factors() : [], adjustable: !hasCore});
    if (!hasCore || iaEnd > DATA_END) return;
    const coreOnTime = rng.chance(T.CORE_ON_TIME[fyOf(iaEnd)] ?? 0.78);
    const coreEnd = known(addWorkingDays(iaEnd, coreOnTime ? rng.range(12, 32) : rng.range(40, 70)));
    out.assessments.push({referral, type: "core", start: iaEnd, completion: coreEnd, factors: coreEnd ? factors() : [], adjustable: true});
    enquiryFrom = addWorkingDays(iaEnd, rng.range(0, 3));
  }
  if (!next.enquiry || enquiryFrom > DATA_END) return;
  if (next.conference) {
    const icpc = addWorkingDays(enquiryFrom, rng.range(8, 15));
    out.enquiries.push(icpc > DATA_END ? {child, start: enquiryFrom, icpc: null, outcome: "pending"} : {child, start: enquiryFrom, icpc, outcome: "no_plan"});
  } else {
    out.enquiries.push({child, start: enquiryFrom, icpc: null, outcome: enquiryFrom > DATA_END - 20 ? "pending" : "no_plan"});
  }
}

/** Published concern counts per year, split between target wards and the rest. */
function concernCells(fy: number): Map<string, number> {
  const shares = T.CONCERN_SHARES[fy];
  const named = ["domestic_violence", "general_childcare", "child_protection", "homeless"] as const;
  const weights = [...named.map((c) => shares[c]), 1 - named.reduce((s, c) => s + shares[c], 0)];
  const counts = apportion(T.REFERRALS[fy], weights);
  const cells = new Map<string, number>();
  [...named, "other" as const].forEach((concern, i) => {
    const n = counts[i];
    let target = Math.round(n * T.TARGET_WARD_SHARE[concern]);
    const rest = n - target;
    if (concern === "domestic_violence") target = Math.round(target * T.earlyHelpEffect(fy));
    cells.set(`${concern}/T`, target);
    cells.set(`${concern}/R`, rest);
  });
  return cells;
}

interface Slot {
  date: Day;
  concern: Concern;
  inTarget: boolean;
  referral: Referral | null;
}

/**
 * A child referred 7 days to 12 months ago who is not open to social care today, found by
 * random probing (cheap, and as random as scanning the whole list).
 */
function probe(recent: RecentReferrals, rng: Rng, wards: readonly Ward[], day: Day): Child | null {
  const month = monthOfDay(day);
  for (let tries = 0; tries < 60; tries++) {
    const list = recent.in(wards[tries % wards.length].id);
    if (list.length === 0) continue;
    const c = list[rng.int(list.length)];
    if (c.lastReferral === null || c.lastReferral <= day - 365 || c.lastReferral > day - 7) continue;
    if (Math.floor((month - c.birthMonth) / 12) > 17 || isOpenCase(c, day)) continue;
    return c;
  }
  return null;
}

export function generateFrontDoor(
  rng: Rng,
  registry: ChildRegistry,
  picker: WardPicker,
  plans: Plan[],
  care: CareEpisode[],
  pending: PendingContact[]
): FrontDoor {
  const out: FrontDoor = {referrals: [], assessments: [], enquiries: []};
  const chainRng = rng.fork("backbone");
  for (const plan of plans) if (plan.start >= WINDOW_START) chainForPlan(chainRng, plan, out);
  for (const episode of care) if (episode.start >= WINDOW_START && !episode.fromPlan) chainForCare(chainRng, episode, out);

  // Fill each year's published cells around the backbone.
  const slots: Slot[] = out.referrals.map((r) => ({date: r.date, concern: r.concern, inTarget: r.child.ward.target, referral: r}));
  const fillRng = rng.fork("fill");
  for (const fy of DEMO_YEARS) {
    const cells = concernCells(fy);
    for (const r of out.referrals) if (fyOf(r.date) === fy) {
      const key = `${r.concern}/${r.child.ward.target ? "T" : "R"}`;
      cells.set(key, (cells.get(key) ?? 0) - 1);
    }
    const days = new DaySampler(fyStart(fy), fyEnd(fy), contactDayWeight);
    for (const [key, n] of cells) {
      const [concern, group] = key.split("/") as [Concern, string];
      for (let i = 0; i < n; i++) slots.push({date: days.draw(fillRng.next()), concern, inTarget: group === "T", referral: null});
    }
  }
  slots.sort((a, b) => a.date - b.date || (a.referral ? 0 : 1) - (b.referral ? 0 : 1));

  // Walk forward in time choosing who each referral is about.
  const recent = new RecentReferrals();
  const trackers = new Map(DEMO_YEARS.map((fy) => [fy, new ShareTracker(T.RE_REFERRAL[fy])]));
  const pendingByWard = new Map<string, PendingContact[]>();
  for (const p of pending) {
    const list = pendingByWard.get(p.child.ward.id);
    if (list) list.push(p);
    else pendingByWard.set(p.child.ward.id, [p]);
  }
  const whoRng = rng.fork("who");
  const groupWards = (inTarget: boolean) => picker.wards.filter((w) => w.target === inTarget);
  const referrals: Referral[] = [];
  for (const slot of slots) {
    const fy = fyOf(slot.date);
    const tracker = trackers.get(fy)!;
    let referral = slot.referral;
    if (referral) {
      const c = referral.child;
      tracker.record(c.lastReferral !== null && c.lastReferral > slot.date - 365);
    } else {
      const ward = picker.pickInGroup(whoRng, fy, slot.inTarget);
      let child: Child | null = null;
      let source: ReferralSource | null = null;
      if (tracker.want(whoRng)) child = probe(recent, whoRng, [ward], slot.date) ?? probe(recent, whoRng, whoRng.shuffle(groupWards(slot.inTarget)), slot.date);
      tracker.record(child !== null);
      if (!child && whoRng.chance(0.6)) {
        const contact = (pendingByWard.get(ward.id) ?? []).find(
          (p) => !p.used && p.from <= slot.date && p.until >= slot.date && ageAt(p.child, slot.date) <= 17 && !isOpenCase(p.child, slot.date)
        );
        if (contact) {
          contact.used = true;
          child = contact.child;
          if (contact.via === "caf") source = "5D";
        }
      }
      if (!child) {
        const mix = slot.concern === "domestic_violence" ? AGE_MIX.domesticViolence : slot.concern === "homeless" ? AGE_MIX.homeless : AGE_MIX.referral;
        child = newChild(registry, whoRng, ward, drawAge(whoRng, mix), slot.date);
      }
      child.uses++;
      referral = {child, date: slot.date, concern: slot.concern, source: source ?? drawSource(whoRng, slot.concern, fy), outcome: "nfa", backbone: false};
    }
    referral.child.lastReferral = slot.date;
    recent.add(referral.child, slot.date);
    referrals.push(referral);
  }
  out.referrals = referrals;

  // Outcomes and what follows an assessment, by year.
  const nextRng = rng.fork("downstream");
  for (const fy of DEMO_YEARS) {
    const inYear = referrals.filter((r) => fyOf(r.date) === fy);
    const open = inYear.filter((r) => !r.backbone);
    const wantAssessed = Math.round(T.REFERRAL_TO_ASSESSMENT[fy] * inYear.length) - (inYear.length - open.length);
    const assessed = new Set(nextRng.weightedSample(open, (r) => ASSESSMENT_WEIGHT[r.concern], wantAssessed));
    for (const r of open) r.outcome = assessed.has(r) ? "initial_assessment" : otherOutcome(nextRng, fy);

    const planStarts = plans.filter((p) => fyOf(p.start) === fy).length;
    const s47Target = Math.round(planStarts / (T.S47_TO_ICPC * T.ICPC_TO_PLAN));
    const icpcTarget = Math.round(s47Target * T.S47_TO_ICPC);
    const already = out.enquiries.filter((e) => fyOf(e.start) === fy).length;
    const toEnquire = new Set(nextRng.weightedSample([...assessed], (r) => ENQUIRY_WEIGHT[r.concern], Math.max(0, s47Target - already)));
    let conferences = Math.max(0, icpcTarget - planStarts);
    for (const r of [...assessed].sort((a, b) => a.date - b.date)) {
      const enquiry = toEnquire.has(r);
      const conference = enquiry && conferences > 0 && nextRng.chance(conferences / Math.max(1, toEnquire.size));
      if (conference) conferences--;
      addAssessments(nextRng, r, out, {enquiry, conference, core: nextRng.chance(T.CORE_SHARE_OF_INITIAL)});
    }
  }
  fixOnTime(rng.fork("on-time"), out.assessments);
  out.assessments.sort((a, b) => a.start - b.start || a.referral.date - b.referral.date);
  out.enquiries.sort((a, b) => a.start - b.start);
  return out;
}

const LIMITS = {initial: 10, core: 35, single: 45};

/**
 * Timeliness is published by the year an assessment is completed: move completion dates of
 * assessments nothing else depends on until each year's share is the target. Durations keep a
 * margin either side of the limit (on time: at most limit − 3 working days from the start, so
 * still inside it counted from the referral or with Christmas's bank holidays taken as weekdays;
 * late: at least limit + 5) so any working-day convention gives the same verdict.
 */
function fixOnTime(rng: Rng, assessments: Assessment[]): void {
  const targets: [Assessment["type"], Record<number, number>][] = [
    ["initial", T.INITIAL_ON_TIME],
    ["core", T.CORE_ON_TIME],
    ["single", T.SINGLE_ON_TIME]
  ];
  for (const [type, byYear] of targets) {
    for (const fyKey of Object.keys(byYear)) {
      const fy = Number(fyKey);
      const done = assessments.filter((a) => a.type === type && a.completion !== null && fyOf(a.completion) === fy);
      const onTime = (a: Assessment) => addWorkingDays(a.start, LIMITS[type]) >= a.completion!;
      let diff = done.filter(onTime).length - Math.round(byYear[fy] * done.length);
      const movable = rng.shuffle(done.filter((a) => a.adjustable && a.start >= fyStart(fy) && a.start <= fyEnd(fy) - 120));
      for (const a of movable) {
        if (diff === 0) break;
        if (diff < 0 && !onTime(a)) {
          a.completion = addWorkingDays(a.start, type === "initial" ? rng.range(1, 6) : type === "core" ? rng.range(12, 32) : rng.range(15, 42));
          diff++;
        } else if (diff > 0 && onTime(a)) {
          a.completion = addWorkingDays(a.start, type === "initial" ? rng.range(15, 35) : type === "core" ? rng.range(40, 60) : rng.range(50, 70));
          diff--;
        }
      }
    }
  }
}

