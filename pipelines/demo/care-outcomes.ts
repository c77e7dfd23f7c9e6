/**
 * What the SSDA903 return says about a child in care beyond its periods of care, and the reviews the
 * CIN census lists for a child protection plan, derived from the calibrated records by a hash of the
 * child and the dates (never the generator's random stream), so adding them leaves every calibrated
 * figure as it was: placement moves within a period of care, missing episodes, the OC2 health checks
 * of children in care for 12 months, the OC3 activity and accommodation of care leavers aged 19-21,
 * and CP review dates. Synthetic; the rates are illustrative except where a published Luton figure
 * is named (OC2 2011/12 and 2012/13, LSCB annual report 2012/13; CP reviews 2012/13, ibid.).
 */
import {dayOf, fyEnd, fyStart, type Day} from "./calendar.js";
import {DATA_END, ageAt, type CareEpisode, type Child, type Plan} from "./model.js";
import {mix} from "./statutory/identity.js";

const DAY = 1;
/** A hash in [0, 1) from the numbers given. */
const unit = (...xs: number[]) => mix(...xs) / 2 ** 32;

export interface PlacementSpell {
  start: Day;
  end: Day | null;
  /** SSDA903 reason for new episode: S starts the period of care, P a change of placement and carer. */
  rne: "S" | "P";
  /** The period's reason ceased on its last spell; X1 (episode ceased, another began) on the others. */
  reasonCeased: string | null;
}

/**
 * A period of care as its placements: about one child in six moves often (every 1-6 months), the
 * rest seldom (every 10 months to 8 years). The placement type stays the period's (a move is a
 * change of carer), so every count by placement type is unchanged.
 */
export function placementSpells(e: CareEpisode): PlacementSpell[] {
  const unstable = unit(e.child.serial, e.start, 101) < 0.17;
  const last = e.end ?? DATA_END + 365 * DAY;
  const starts: Day[] = [e.start];
  for (let i = 1; i < 40; i++) {
    const u = unit(e.child.serial, e.start, 103, i);
    const gap = unstable ? 30 + Math.floor(u * 150) : 300 + Math.floor(u * 2700);
    const next = starts[starts.length - 1] + gap;
    // No move in the last fortnight of a period, nor after the last day the demo covers.
    if (next >= last - 14 || next > DATA_END) break;
    starts.push(next);
  }
  return starts.map((start, i) => {
    const final = i === starts.length - 1;
    return {start, end: final ? e.end : starts[i + 1], rne: i === 0 ? "S" : "P", reasonCeased: final ? e.reasonCeased : "X1"};
  });
}

export interface MissingEpisode {
  child: Child;
  start: Day;
  end: Day | null;
  /** M missing, A away from placement without authorisation. */
  kind: "M" | "A";
}

/** Missing from care: children aged 11 or more, a few in each year they are in care, some repeatedly. */
export function missingEpisodes(care: readonly CareEpisode[]): MissingEpisode[] {
  const out: MissingEpisode[] = [];
  for (const e of care) {
    const last = Math.min(e.end ?? DATA_END, DATA_END);
    for (let day = Math.max(e.start, fyStart(2008)); day <= last; day += 365) {
      const u = unit(e.child.serial, e.start, day, 107);
      if (ageAt(e.child, day) < 11 || u >= 0.11) continue;
      const episodes = 1 + Math.floor(unit(e.child.serial, day, 109) * (u < 0.03 ? 6 : 2));
      for (let k = 0; k < episodes; k++) {
        const start = day + Math.floor(unit(e.child.serial, day, 113, k) * 360);
        if (start > last) continue;
        const nights = Math.floor(unit(e.child.serial, start, 127) * 4);
        out.push({child: e.child, start, end: start + nights > DATA_END ? null : start + nights, kind: unit(e.child.serial, start, 131) < 0.7 ? "M" : "A"});
      }
    }
  }
  // One episode of a kind per child and day (the return's own key).
  const seen = new Set<string>();
  return out.filter((m) => {
    const key = `${m.child.serial}/${m.start}/${m.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort((a, b) => a.start - b.start || a.child.serial - b.child.serial);
}

/**
 * Share of the OC2 cohort with a health assessment, dental check and immunisations up to date, by
 * financial year. 2011/12 and 2012/13 are Luton's published figures (LSCB annual report 2012/13:
 * 55.0%, 87.6%, 93.8% and 91.8%, 71.3%, 88.2%); the other years are illustrative.
 */
export const OC2_RATES: Record<number, {health: number; teeth: number; immunisations: number}> = {
  2008: {health: 0.8, teeth: 0.82, immunisations: 0.86},
  2009: {health: 0.74, teeth: 0.84, immunisations: 0.9},
  2010: {health: 0.62, teeth: 0.86, immunisations: 0.92},
  2011: {health: 0.55, teeth: 0.876, immunisations: 0.938},
  2012: {health: 0.918, teeth: 0.713, immunisations: 0.882},
  2013: {health: 0.9, teeth: 0.76, immunisations: 0.88},
  2014: {health: 0.92, teeth: 0.8, immunisations: 0.9},
  2015: {health: 0.93, teeth: 0.83, immunisations: 0.91}
};

export interface HealthRecord {
  child: Child;
  fy: number;
  yearEnd: Day;
  health: boolean;
  teeth: boolean;
  immunisations: boolean;
  /** Under-5s only: development assessment up to date. */
  development: boolean | null;
  sdq: number | null;
  convicted: boolean;
  substanceMisuse: boolean;
}

/**
 * The OC2 cohort of each year: children looked after continuously for 12 months at 31 March (in a
 * period of care that began by the 1 April before). Each year's checks are dealt to the cohort in a
 * hashed order so the share is exactly the year's rate.
 */
export function healthChecks(care: readonly CareEpisode[], years: readonly number[]): HealthRecord[] {
  const out: HealthRecord[] = [];
  for (const fy of years) {
    const yearEnd = fyEnd(fy);
    const cohort = care.filter((e) => e.start <= fyStart(fy) && (e.end === null || e.end > yearEnd))
      .map((e) => e.child)
      .sort((a, b) => mix(a.serial, fy, 137) - mix(b.serial, fy, 137) || a.serial - b.serial);
    const rates = OC2_RATES[fy] ?? OC2_RATES[2015];
    const dealt = (rate: number, salt: number) => {
      const n = Math.round(rate * cohort.length);
      const order = [...cohort].sort((a, b) => mix(a.serial, fy, salt) - mix(b.serial, fy, salt) || a.serial - b.serial);
      return new Set(order.slice(0, n));
    };
    const health = dealt(rates.health, 139);
    const teeth = dealt(rates.teeth, 149);
    const immunised = dealt(rates.immunisations, 151);
    for (const child of cohort) {
      const age = ageAt(child, yearEnd);
      const u = unit(child.serial, fy, 157);
      out.push({
        child, fy, yearEnd, health: health.has(child), teeth: teeth.has(child), immunisations: immunised.has(child),
        development: age < 5 ? u < 0.85 : null,
        sdq: age >= 4 && age <= 16 && u < 0.75 ? Math.floor(unit(child.serial, fy, 163) * 30) : null,
        convicted: age >= 10 && u > 0.95, substanceMisuse: age >= 10 && unit(child.serial, fy, 167) < 0.04
      });
    }
  }
  return out;
}

export interface CareLeaverRecord {
  child: Child;
  fy: number;
  yearEnd: Day;
  inTouch: "YES" | "NO" | "REFU";
  activity: string;
  accommodation: string;
}

const EET = ["F1", "P1", "F2", "P2", "F3", "P3"];
const NEET = ["G4", "G5", "G6"];
const SUITABLE = ["U1", "B1", "D1", "E1", "R1", "T1", "K1"];
const UNSUITABLE = ["S2", "W2", "V2", "U2", "X2"];

/**
 * Care leavers in the OC3 table: young people whose care ended at 16 or later (or who reached 18 in
 * care), in each year they are aged 19, 20 or 21 at 31 March. About half are in education, employment
 * or training and most in suitable accommodation; a few are out of touch (activity and
 * accommodation then unknown). Illustrative rates. The demo holds periods of care from April 2008,
 * so its early years have few care leavers.
 */
export function careLeavers(care: readonly CareEpisode[], years: readonly number[]): CareLeaverRecord[] {
  const leavers = new Map<Child, CareEpisode>();
  for (const e of care) if (e.end !== null && ageAt(e.child, e.end) >= 16) leavers.set(e.child, e);
  const out: CareLeaverRecord[] = [];
  for (const fy of years) {
    const yearEnd = fyEnd(fy);
    for (const [child, e] of leavers) {
      const age = ageAt(child, yearEnd);
      if (age < 19 || age > 21 || e.end! > yearEnd) continue;
      const u = unit(child.serial, fy, 173);
      const v = unit(child.serial, fy, 179);
      if (u < 0.08) {
        out.push({child, fy, yearEnd, inTouch: u < 0.01 ? "REFU" : "NO", activity: "0", accommodation: "0"});
        continue;
      }
      const activity = v < 0.5 ? EET[Math.floor(unit(child.serial, fy, 181) * EET.length)] : NEET[Math.floor(unit(child.serial, fy, 181) * NEET.length)];
      const accommodation = unit(child.serial, fy, 191) < 0.86
        ? SUITABLE[Math.floor(unit(child.serial, fy, 193) * SUITABLE.length)]
        : UNSUITABLE[Math.floor(unit(child.serial, fy, 193) * UNSUITABLE.length)];
      out.push({child, fy, yearEnd, inTouch: "YES", activity, accommodation});
    }
  }
  return out.sort((a, b) => a.yearEnd - b.yearEnd || a.child.serial - b.child.serial);
}

/** Reviews from 1 April 2013 may run late; before it every review was on time (Luton LSCB 2012/13). */
const LATE_FROM = dayOf(2013, 4, 1);

/**
 * A plan's review conferences up to the end of the plan (or the demo's last day): the first within
 * three months of the start (60-89 days), then within six months of the last (150-179 days). From
 * April 2013 about one plan in twelve has a review held two to five weeks late.
 */
export function planReviews(p: Plan): Day[] {
  const serial = p.child?.serial ?? 0;
  const late = unit(serial, p.start, 197) < 0.085;
  const last = Math.min(p.end ?? DATA_END, DATA_END);
  const out: Day[] = [];
  let day = p.start + 60 + Math.floor(unit(serial, p.start, 199) * 30);
  for (let i = 0; day < last; i++) {
    const due = i === 0 ? p.start + 89 : out[i - 1] + 179;
    out.push(late && due >= LATE_FROM && i > 0 && unit(serial, p.start, 211, i) < 0.5 ? due + 14 + Math.floor(unit(serial, p.start, 223, i) * 21) : day);
    day = out[i] + 150 + Math.floor(unit(serial, p.start, 227, i) * 30);
  }
  return out;
}
