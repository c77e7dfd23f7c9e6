/**
 * Leeds (la_code 383): children starting care and referrals only, at the 25 clusters of its
 * 2013 "Turn the Curve" work on babies entering care. Starters by age reproduce the DfE figures
 * in the Executive Board report for 2011/12 and 2012/13 exactly; the calendar-year age shares
 * follow the report's 2007–2012 trend; 39% of infant entrants come from JESS and Inner East.
 */
import {dayOf, fyEnd, fyOf, fyStart, isAgeAmbiguous, monthOfDay, weekday, type Day} from "./calendar.js";
import type {Concern, ReferralOutcome, ReferralSource} from "./codes.js";
import type {Ward} from "./geography.js";
import {DATA_END, DEMO_YEARS, RecentReferrals, WINDOW_START, ageAt, drawSex, eighteenthBirthday, type CareEpisode, type Child, type ChildRegistry, type Referral} from "./model.js";
import {careDuration, legalStatus, placement, settleCareEpisodes} from "./luton/care.js";
import {ethnicityMix, type WardPicker} from "./people.js";
import {ShareTracker, apportion, shuffledQuota} from "./quotas.js";
import type {Rng} from "./rng.js";
import {DaySampler, contactDayWeight} from "./seasonality.js";
import type {StockTarget} from "./stock.js";

export const LEEDS_CARE_STARTS: Record<number, number> = {2008: 478, 2009: 503, 2010: 466, 2011: 420, 2012: 375, 2013: 392, 2014: 404, 2015: 410};

/** Financial-year bands of the DfE table: under 1, 1–4, 5–9, 10–15, 16+ (5–9 implied by the totals). */
export const LEEDS_STARTS_BY_AGE: Record<number, Record<"0" | "1-4" | "5-9" | "10-15" | "16+", number>> = {
  2011: {"0": 160, "1-4": 97, "5-9": 71, "10-15": 74, "16+": 18},
  2012: {"0": 136, "1-4": 94, "5-9": 59, "10-15": 73, "16+": 13}
};

/** Infant entrants from JESS and Inner East: 39% of the two years' cohort. */
export const LEEDS_INFANTS_FROM_TWO_CLUSTERS: Record<number, number> = {2011: 62, 2012: 53};

/** Calendar-year shares of entrants by age (0, 1–4, 5–9, 10–14, 15+), placed mid-period. */
const AGE_SHARE_POINTS: [number, number[]][] = [
  [2007.5, [0.14, 0.2, 0.17, 0.27, 0.22]],
  [2008.5, [0.22, 0.21, 0.16, 0.21, 0.2]],
  [2009.5, [0.26, 0.23, 0.17, 0.2, 0.14]],
  [2010.5, [0.25, 0.27, 0.16, 0.21, 0.11]],
  [2011.0, [0.27, 0.26, 0.17, 0.19, 0.11]],
  [2011.5, [0.34, 0.24, 0.17, 0.16, 0.09]],
  [2011.9, [0.4, 0.22, 0.16, 0.15, 0.07]],
  [2012.15, [0.47, 0.21, 0.14, 0.12, 0.06]],
  [2012.4, [0.45, 0.21, 0.15, 0.13, 0.06]],
  [2012.75, [0.35, 0.25, 0.16, 0.16, 0.08]],
  [2013.25, [0.33, 0.25, 0.17, 0.16, 0.09]],
  [2016.5, [0.32, 0.25, 0.17, 0.17, 0.09]]
];

function yearFraction(day: Day): number {
  return 1970 + day / 365.2425;
}

export function ageShares(day: Day): number[] {
  const t = yearFraction(day);
  if (t <= AGE_SHARE_POINTS[0][0]) return AGE_SHARE_POINTS[0][1];
  for (let i = 1; i < AGE_SHARE_POINTS.length; i++) {
    const [t1, s1] = AGE_SHARE_POINTS[i];
    const [t0, s0] = AGE_SHARE_POINTS[i - 1];
    if (t <= t1) return s0.map((x, k) => x + ((s1[k] - x) * (t - t0)) / (t1 - t0));
  }
  return AGE_SHARE_POINTS[AGE_SHARE_POINTS.length - 1][1];
}

export const LEEDS_CARE_STOCK: StockTarget[] = [
  {day: dayOf(2008, 3, 31), count: 1360},
  {day: dayOf(2009, 3, 31), count: 1395},
  {day: dayOf(2010, 3, 31), count: 1440},
  {day: dayOf(2011, 3, 31), count: 1462},
  {day: dayOf(2012, 3, 31), count: 1420},
  {day: dayOf(2013, 3, 31), count: 1362},
  {day: dayOf(2014, 3, 31), count: 1305},
  {day: dayOf(2015, 3, 31), count: 1275},
  {day: dayOf(2016, 3, 31), count: 1250}
];

export const LEEDS_REFERRALS: Record<number, number> = {2008: 10400, 2009: 11500, 2010: 12300, 2011: 12650, 2012: 11200, 2013: 10900, 2014: 10600, 2015: 10400};
/** Referrals of unborn children and under-1s, and of 1–4s (the report's figures for 2011/12, 2012/13). */
export const LEEDS_REFERRALS_UNDER_5: Record<number, {under1: number; oneToFour: number}> = {
  2011: {under1: 2154, oneToFour: 3581},
  2012: {under1: 1556, oneToFour: 2946}
};
const OTHER_YEAR_UNDER_5_SHARES = {under1: 0.15, oneToFour: 0.27};

type AgeClass = "under1" | "oneToFour" | "older";
const OLDER_AGES = {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1.1, 12: 1.2, 13: 1.3, 14: 1.4, 15: 1.4, 16: 1.1, 17: 0.8};

/** Age class for a referral; unborn children count as under 1, as in the Leeds report. */
function ageClass(child: Child, day: Day): AgeClass {
  const age = ageAt(child, day);
  return age < 1 ? "under1" : age < 5 ? "oneToFour" : "older";
}

const careDay = (day: Day) => (weekday(day) === 0 || weekday(day) === 6 ? 0.25 : 1);

/** Infants mostly come into care at or soon after birth. */
function infantBirthMonth(rng: Rng, start: Day): number {
  const back = Number(rng.choose({0: 0.34, 1: 0.16, 2: 0.09, 3: 0.07, 4: 0.06, 5: 0.05, 6: 0.05, 7: 0.04, 8: 0.04, 9: 0.04, 10: 0.03, 11: 0.03}));
  return monthOfDay(start) - back;
}

/** A birth month giving exactly `age` on `day` whatever the day of birth (never the anniversary month). */
function birthMonthAt(rng: Rng, age: number, day: Day): number {
  if (age === 0) return infantBirthMonth(rng, day);
  return monthOfDay(day) - (12 * age + rng.range(1, 11));
}

function bandAge(rng: Rng, band: string): number {
  switch (band) {
    case "0":
      return 0;
    case "1-4":
      return rng.range(1, 4);
    case "5-9":
      return rng.range(5, 9);
    case "10-15":
      return rng.range(10, 15);
    case "10-14":
      return rng.range(10, 14);
    case "16+":
      return rng.range(16, 17);
    default:
      return Number(rng.choose({15: 0.4, 16: 0.35, 17: 0.25}));
  }
}

function newLeedsChild(registry: ChildRegistry, rng: Rng, ward: Ward, birthMonth: number, unborn: boolean): Child {
  return registry.create(ward, birthMonth, drawSex(rng, unborn), rng.choose(ethnicityMix(ward)));
}

export function generateLeedsCare(rng: Rng, registry: ChildRegistry, picker: WardPicker): CareEpisode[] {
  const episodes: CareEpisode[] = [];
  const twoClusters = picker.wards.filter((w) => w.id === "leeds-jess" || w.id === "leeds-inner-east");
  const others = picker.wards.filter((w) => !twoClusters.includes(w));
  const pickFrom = (r: Rng, fy: number, set: Ward[]) => picker.pick(r, fy, {boost: (w) => (set.includes(w) ? 1 : 0)});
  const bands = ["0", "1-4", "5-9", "10-14", "15+"];
  for (let fy = 1998; fy <= 2015; fy++) {
    const r = rng.fork(`starts/${fy}`);
    const n = fy < 2008 ? 470 : LEEDS_CARE_STARTS[fy];
    const sampler = new DaySampler(fyStart(fy), fyEnd(fy), careDay);
    const starts = Array.from({length: n}, () => sampler.draw(r.next())).sort((a, b) => a - b);
    // Infants month by month, so the calendar-year shares follow the report's rising curve
    // while each financial year's total is the published one.
    const exact = LEEDS_STARTS_BY_AGE[fy];
    const infantShare = starts.map((d) => ageShares(d)[0]);
    const months = [...new Set(starts.map((d) => monthOfDay(d)))];
    const expected = months.map((m) => starts.reduce((s, d, i) => s + (monthOfDay(d) === m ? infantShare[i] : 0), 0));
    const perMonth = apportion(exact ? exact["0"] : Math.round(expected.reduce((a, b) => a + b, 0)), expected);
    const infants = new Set<number>();
    months.forEach((m, k) => {
      const idx = starts.map((d, i) => (monthOfDay(d) === m ? i : -1)).filter((i) => i >= 0);
      for (const i of r.shuffle(idx).slice(0, perMonth[k])) infants.add(i);
    });
    let ages: number[];
    if (exact) {
      const restBands = shuffledQuota(r, {"1-4": exact["1-4"], "5-9": exact["5-9"], "10-15": exact["10-15"], "16+": exact["16+"]});
      let k = 0;
      ages = starts.map((_, i) => (infants.has(i) ? 0 : bandAge(r, restBands[k++])));
    } else {
      ages = starts.map((d, i) => (infants.has(i) ? 0 : bandAge(r, bands[1 + r.weighted(ageShares(d).slice(1))])));
    }
    const infantIdx = starts.map((_, i) => i).filter((i) => ages[i] === 0);
    const fromTwo = new Set(
      r.shuffle([...infantIdx]).slice(0, LEEDS_INFANTS_FROM_TWO_CLUSTERS[fy] ?? Math.round(infantIdx.length * 0.36))
    );
    const made: CareEpisode[] = starts.map((start, i) => {
      const age = ages[i];
      const ward = age === 0 ? pickFrom(r, fy, fromTwo.has(i) ? twoClusters : others) : picker.pick(r, fy);
      const child = newLeedsChild(registry, r, ward, birthMonthAt(r, age, start), false);
      const end = Math.min(start + careDuration(r, age, 0.45), eighteenthBirthday(child) - 1);
      return {start, end: end > DATA_END ? null : end, child, legalStatus: legalStatus(r, age), placement: placement(r, age), reasonCeased: null, fromPlan: null};
    });
    episodes.push(...made);
  }
  return settleCareEpisodes(rng, episodes, LEEDS_CARE_STOCK);
}

const CONCERN_BY_CLASS: Record<AgeClass, Record<Concern, number>> = {
  under1: {domestic_violence: 0.38, general_childcare: 0.3, child_protection: 0.24, homeless: 0, other: 0.08},
  oneToFour: {domestic_violence: 0.35, general_childcare: 0.34, child_protection: 0.22, homeless: 0, other: 0.09},
  older: {domestic_violence: 0.28, general_childcare: 0.38, child_protection: 0.18, homeless: 0.05, other: 0.11}
};
const POLICE_BY_CLASS: Record<AgeClass, number> = {under1: 0.47, oneToFour: 0.38, older: 0.27};
const HEALTH_SOURCES: ReferralSource[] = ["3A", "3B", "3C"];

const OTHER_SOURCES: Record<"young" | "older", Partial<Record<ReferralSource, number>>> = {
  young: {"1A": 0.2, "2A": 0.08, "4": 0.04, "5A": 0.14, "5D": 0.05, "8": 0.05, "9": 0.14},
  older: {"1A": 0.2, "2A": 0.35, "4": 0.04, "5A": 0.14, "5D": 0.05, "8": 0.05, "9": 0.14}
};

function leedsSource(rng: Rng, cls: AgeClass): ReferralSource {
  if (rng.chance(POLICE_BY_CLASS[cls])) return "6";
  if (rng.chance(cls === "older" ? 0.12 : 0.4)) return rng.pick(HEALTH_SOURCES);
  return rng.choose(OTHER_SOURCES[cls === "older" ? "older" : "young"] as Record<ReferralSource, number>);
}

const NOT_ASSESSED: Record<ReferralOutcome, number> = {initial_assessment: 0, nfa: 0.5, early_help: 0.3, signposted: 0.2};

function leedsOutcome(rng: Rng, fy: number): ReferralOutcome {
  const assessed = fy === 2011 ? 0.66 : fy === 2012 ? 0.62 : 0.64;
  if (rng.chance(assessed)) return "initial_assessment";
  return rng.choose(NOT_ASSESSED);
}

/** Moves a date back a few days at a time until the child's age class is beyond doubt. */
function unambiguous(child: Child, day: Day): Day {
  let d = day;
  while (isAgeAmbiguous(child.birthMonth, d)) d -= 7;
  return d;
}

export function generateLeedsReferrals(rng: Rng, registry: ChildRegistry, picker: WardPicker, care: CareEpisode[]): Referral[] {
  const r = rng.fork("referrals");
  const referrals: Referral[] = [];
  // Most entrants were referred in the months before; babies often before they were born.
  for (const e of care) {
    if (e.start < WINDOW_START || !r.chance(0.75)) continue;
    const date = unambiguous(e.child, e.start - r.range(0, 150));
    if (date < WINDOW_START) continue;
    const cls = ageClass(e.child, date);
    e.child.uses++;
    referrals.push({child: e.child, date, concern: r.choose(CONCERN_BY_CLASS[cls]), source: leedsSource(r, cls), outcome: "initial_assessment", backbone: true});
  }
  const slots: {date: Day; cls: AgeClass; referral: Referral | null}[] = referrals.map((x) => ({date: x.date, cls: ageClass(x.child, x.date), referral: x}));
  for (const fy of DEMO_YEARS) {
    const exact = LEEDS_REFERRALS_UNDER_5[fy];
    const total = LEEDS_REFERRALS[fy];
    const [u1, u4, older] = exact
      ? [exact.under1, exact.oneToFour, total - exact.under1 - exact.oneToFour]
      : apportion(total, [OTHER_YEAR_UNDER_5_SHARES.under1, OTHER_YEAR_UNDER_5_SHARES.oneToFour, 1 - OTHER_YEAR_UNDER_5_SHARES.under1 - OTHER_YEAR_UNDER_5_SHARES.oneToFour]);
    const need: Record<AgeClass, number> = {under1: u1, oneToFour: u4, older};
    for (const s of slots) if (s.referral && fyOf(s.date) === fy) need[s.cls]--;
    const sampler = new DaySampler(fyStart(fy), fyEnd(fy), contactDayWeight);
    for (const cls of ["under1", "oneToFour", "older"] as AgeClass[]) for (let i = 0; i < need[cls]; i++) slots.push({date: sampler.draw(r.next()), cls, referral: null});
  }
  slots.sort((a, b) => a.date - b.date || (a.referral ? 0 : 1) - (b.referral ? 0 : 1));

  const recent = new RecentReferrals();
  const trackers = new Map(DEMO_YEARS.map((fy) => [fy, new ShareTracker(0.22)]));
  const out: Referral[] = [];
  for (const slot of slots) {
    const fy = fyOf(slot.date);
    let referral = slot.referral;
    if (referral) {
      const c = referral.child;
      trackers.get(fy)!.record(c.lastReferral !== null && c.lastReferral > slot.date - 365);
    } else {
      const ward = picker.pick(r, fy, {lo: slot.cls === "older" ? 5 : 0, hi: slot.cls === "older" ? 17 : 4});
      const list = recent.in(ward.id);
      const month = monthOfDay(slot.date);
      const probe = (): Child | null => {
        for (let tries = 0; tries < 60 && list.length; tries++) {
          const c = list[r.int(list.length)];
          const months = month - c.birthMonth;
          const cls: AgeClass = months < 12 ? "under1" : months < 60 ? "oneToFour" : "older";
          if (c.lastReferral === null || c.lastReferral <= slot.date - 365 || c.lastReferral > slot.date - 7) continue;
          if ((months >= 12 && months % 12 === 0) || cls !== slot.cls || months >= 216) continue;
          return c;
        }
        return null;
      };
      const tracker = trackers.get(fy)!;
      const prior = tracker.want(r) ? probe() : null;
      tracker.record(prior !== null);
      let child: Child;
      if (prior) child = prior;
      else {
        let birthMonth: number;
        let unborn = false;
        if (slot.cls === "under1") {
          unborn = r.chance(0.22);
          birthMonth = unborn ? monthOfDay(slot.date) + r.range(1, 5) : monthOfDay(slot.date) - r.range(0, 11);
        } else {
          const age = slot.cls === "oneToFour" ? r.range(1, 4) : Number(r.choose(OLDER_AGES));
          birthMonth = monthOfDay(slot.date) - (12 * age + r.range(1, 11));
        }
        child = newLeedsChild(registry, r, ward, birthMonth, unborn);
      }
      child.uses++;
      referral = {child, date: slot.date, concern: r.choose(CONCERN_BY_CLASS[slot.cls]), source: leedsSource(r, slot.cls), outcome: leedsOutcome(r, fy), backbone: false};
    }
    referral.child.lastReferral = slot.date;
    recent.add(referral.child, slot.date);
    out.push(referral);
  }
  return out;
}

