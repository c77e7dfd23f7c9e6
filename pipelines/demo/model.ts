/**
 * The people and records of one calibrated authority (Luton or Leeds) while they are being made.
 * Records point at Child objects rather than copying keys and demographics, so a later
 * calibration step that fixes a child's ethnicity or birth month fixes every extract at once.
 */
import {ageOn, dayOf, firstDayOfMonth, monthOfDay, type Day, type MonthIndex} from "./calendar.js";
import type {CinFactor, Concern, CpCategory, Ethnicity, LeadAgency, ReferralOutcome, ReferralSource, Sex} from "./codes.js";
import type {Ward} from "./geography.js";
import type {Rng} from "./rng.js";

export const WINDOW_START: Day = dayOf(2008, 4, 1);
/** Extracts are a back-fill taken at the end of 2015/16: later events are unknown. */
export const DATA_END: Day = dayOf(2016, 3, 31);
export const FIRST_FY = 2008;
export const LAST_FY = 2015;
export const DEMO_YEARS = [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015];

export interface Spell {
  start: Day;
  /** Day the spell ended; null while open at DATA_END. */
  end: Day | null;
}

export interface Child {
  serial: number;
  birthMonth: MonthIndex;
  sex: Sex;
  ethnicity: Ethnicity;
  ward: Ward;
  /** Plans and care episodes, so new contacts can avoid children already open to social care. */
  spells: Spell[];
  /** How many records point at this child (a child with none is never written). */
  uses: number;
  lastReferral: Day | null;
  /** Pseudonymous key and month of birth as written, filled in when the child is first written. */
  key?: string;
  birthMonthIso?: string;
  /** Scratch mark for de-duplicating lists without allocating a Set. */
  mark?: number;
}

/**
 * Children referred in the last year, by ward: the pool a re-referral is drawn from. A child
 * appears once per referral (so children referred often are drawn more often); the lists are
 * pruned when they have doubled, which keeps the cost per referral constant.
 */
export class RecentReferrals {
  private readonly byWard = new Map<string, {children: Child[]; pruneAt: number}>();
  private stamp = 0;

  add(child: Child, day: Day): void {
    let entry = this.byWard.get(child.ward.id);
    if (!entry) this.byWard.set(child.ward.id, (entry = {children: [], pruneAt: 64}));
    entry.children.push(child);
    if (entry.children.length >= entry.pruneAt) {
      const stamp = ++this.stamp;
      entry.children = entry.children.filter((c) => {
        if (c.mark === stamp || c.lastReferral === null || c.lastReferral <= day - 365) return false;
        c.mark = stamp;
        return true;
      });
      entry.pruneAt = Math.max(64, 2 * entry.children.length);
    }
  }

  in(wardId: string): readonly Child[] {
    return this.byWard.get(wardId)?.children ?? [];
  }
}

export class ChildRegistry {
  readonly children: Child[] = [];
  create(ward: Ward, birthMonth: MonthIndex, sex: Sex, ethnicity: Ethnicity): Child {
    const child: Child = {serial: this.children.length + 1, birthMonth, sex, ethnicity, ward, spells: [], uses: 0, lastReferral: null};
    this.children.push(child);
    return child;
  }
}

export function isOpenOn(spell: Spell, day: Day): boolean {
  return spell.start <= day && (spell.end === null || spell.end > day);
}

export function isOpenCase(child: Child, day: Day): boolean {
  return child.spells.some((s) => isOpenOn(s, day));
}

/**
 * A birth month for a child who is `age` whole years old on `day`, never in the anniversary
 * month, so that age is the same whichever day of the month the child was born. age −1 means
 * unborn (expected within five months).
 */
export function birthMonthForAge(rng: Rng, age: number, day: Day): MonthIndex {
  const m = monthOfDay(day);
  if (age < 0) return m + rng.range(1, 5);
  if (age === 0) return m - rng.range(0, 11);
  return m - (12 * age + rng.range(1, 11));
}

export function ageAt(child: Child, day: Day): number {
  return ageOn(child.birthMonth, day);
}

/** Day of the 18th birthday, taking the first of the birth month (the earliest it can be). */
export function eighteenthBirthday(child: Child): Day {
  return firstDayOfMonth(child.birthMonth + 216);
}

export function drawSex(rng: Rng, unborn: boolean): Sex {
  if (unborn && rng.chance(0.55)) return "unknown";
  const u = rng.next();
  return u < 0.512 ? "male" : u < 0.995 ? "female" : "unknown";
}

// ---- Records -----------------------------------------------------------------------------

export interface Referral {
  child: Child;
  date: Day;
  source: ReferralSource;
  concern: Concern;
  outcome: ReferralOutcome;
  /** Made for a plan or care episode (its journey was built backwards from there). */
  backbone: boolean;
}

export interface Assessment {
  referral: Referral;
  type: "initial" | "core" | "single";
  start: Day;
  completion: Day | null;
  factors: CinFactor[];
  /** Nothing downstream hangs on its dates, so calibration may move its completion. */
  adjustable: boolean;
}

export interface Enquiry {
  child: Child;
  start: Day;
  icpc: Day | null;
  outcome: "plan" | "no_plan" | "pending";
}

export interface Plan extends Spell {
  child: Child | null;
  ward: Ward;
  category: CpCategory;
  repeat: boolean;
  sequence: number;
  domesticAbuse: boolean;
  factors: CinFactor[];
}

export interface CareEpisode extends Spell {
  child: Child;
  legalStatus: string;
  placement: string;
  reasonCeased: string | null;
  fromPlan: Plan | null;
}

export interface Caf {
  child: Child;
  area: string;
  completed: Day;
  leadAgency: LeadAgency;
  levelOfNeed: number;
  step: "none" | "up" | "down";
  outcome: "open" | "closed_needs_met" | "stepped_up" | "disengaged";
}

export interface ServiceEpisode {
  child: Child;
  providerId: string;
  programmeId: string;
  referralDate: Day;
  start: Day | null;
  end: Day | null;
  endReason: string | null;
  levelOfNeed: number;
  outcomePre: number | null;
  outcomePost: number | null;
  unitCost: number;
}

/** A child who will turn up at the front door later (after a CAF step-up or a service). */
export interface PendingContact {
  child: Child;
  from: Day;
  until: Day;
  via: "caf" | "service";
  used: boolean;
}
