/**
 * Luton's calibration: the published figures (Luton LSCB annual report 2012/13, Early Help
 * Strategy 2014–17) and, for the years they do not cover, plausible values shaped around them.
 * Keyed by financial year (2012 = 2012/13). Changing a number here changes the demo data.
 */
import {dayOf} from "../calendar.js";
import type {Concern} from "../codes.js";
import type {StockTarget} from "../stock.js";

export type ByYear<T> = Record<number, T>;

/** Referrals before the Early Help effect (the effect is applied to target wards on top). */
export const REFERRALS: ByYear<number> = {2008: 4320, 2009: 4870, 2010: 5390, 2011: 5775, 2012: 3003, 2013: 3120, 2014: 3060, 2015: 2990};

/** Shares of primary concern; "other" takes the remainder. 2011/12 and 2012/13 as published. */
export const CONCERN_SHARES: ByYear<Omit<Record<Concern, number>, "other">> = {
  2008: {domestic_violence: 0.29, general_childcare: 0.36, child_protection: 0.17, homeless: 0.03},
  2009: {domestic_violence: 0.3, general_childcare: 0.35, child_protection: 0.17, homeless: 0.029},
  2010: {domestic_violence: 0.31, general_childcare: 0.345, child_protection: 0.169, homeless: 0.028},
  2011: {domestic_violence: 0.32, general_childcare: 0.336, child_protection: 0.168, homeless: 0.0268},
  2012: {domestic_violence: 0.203, general_childcare: 0.521, child_protection: 0.168, homeless: 0.0268},
  2013: {domestic_violence: 0.208, general_childcare: 0.515, child_protection: 0.17, homeless: 0.027},
  2014: {domestic_violence: 0.21, general_childcare: 0.51, child_protection: 0.172, homeless: 0.027},
  2015: {domestic_violence: 0.212, general_childcare: 0.505, child_protection: 0.174, homeless: 0.027}
};

/** Share of each concern's referrals from the five target wards (34% CP, 37% DV as published). */
export const TARGET_WARD_SHARE: Record<Concern, number> = {
  child_protection: 0.34,
  domestic_violence: 0.37,
  general_childcare: 0.31,
  homeless: 0.32,
  other: 0.3
};

/**
 * The Early Help Strategy (2014–17) works in the target wards: from 2014/15 fewer of their
 * families reach a CP plan, a domestic-violence referral or care. Multipliers on the target
 * wards' counts against what the trend would have given; nothing else is touched, so NEET,
 * re-referrals and the rest of the borough carry on as before.
 */
export const EARLY_HELP_EFFECT: ByYear<number> = {2014: 0.85, 2015: 0.74};
export function earlyHelpEffect(fy: number): number {
  return EARLY_HELP_EFFECT[fy] ?? 1;
}

export const REFERRAL_TO_ASSESSMENT: ByYear<number> = {2008: 0.8, 2009: 0.83, 2010: 0.85, 2011: 0.862, 2012: 0.693, 2013: 0.71, 2014: 0.74, 2015: 0.76};
export const RE_REFERRAL: ByYear<number> = {2008: 0.25, 2009: 0.265, 2010: 0.275, 2011: 0.285, 2012: 0.282, 2013: 0.275, 2014: 0.268, 2015: 0.262};
export const INITIAL_ON_TIME: ByYear<number> = {2008: 0.66, 2009: 0.7, 2010: 0.72, 2011: 0.76, 2012: 0.734, 2013: 0.78};
export const CORE_ON_TIME: ByYear<number> = {2008: 0.65, 2009: 0.7, 2010: 0.73, 2011: 0.77, 2012: 0.749, 2013: 0.79};
/** Single assessments (45 working days) replace initial + core from 2014/15. */
export const SINGLE_ON_TIME: ByYear<number> = {2014: 0.8, 2015: 0.83};
export const SINGLE_ASSESSMENT_FROM = 2014;
export const CORE_SHARE_OF_INITIAL = 0.27;

/** Conversion published for 2012/13: 55% of section 47 enquiries led to an initial conference. */
export const S47_TO_ICPC = 0.55;
export const ICPC_TO_PLAN = 0.88;

export const CP_PLAN_STARTS: ByYear<number> = {2008: 230, 2009: 255, 2010: 262, 2011: 240, 2012: 232, 2013: 345, 2014: 330, 2015: 325};
export const CP_TARGET_WARD_SHARE = 0.4;
/** Children becoming subject to a plan for a second or subsequent time (2010/11–2012/13 published). */
export const CP_REPEAT: ByYear<number> = {2008: 0.1, 2009: 0.1, 2010: 0.105, 2011: 0.118, 2012: 0.176, 2013: 0.16, 2014: 0.15, 2015: 0.145};

export const CP_SNAPSHOT_Q4_2013 = dayOf(2013, 3, 31);
export const CP_SNAPSHOT_EARLY_2014 = dayOf(2014, 1, 31);
export const CP_SNAPSHOT_MARCH_2014 = dayOf(2014, 3, 21);

export const CP_STOCK: StockTarget[] = [
  {day: dayOf(2008, 3, 31), count: 168},
  {day: dayOf(2009, 3, 31), count: 182},
  {day: dayOf(2010, 3, 31), count: 205},
  {day: dayOf(2011, 3, 31), count: 222},
  {day: dayOf(2012, 3, 31), count: 206},
  {day: CP_SNAPSHOT_Q4_2013, count: 194},
  {day: CP_SNAPSHOT_EARLY_2014, count: 270},
  {day: CP_SNAPSHOT_MARCH_2014, count: 278}
];

/**
 * After March 2014 the stock is tuned in two groups. Early help lets the target wards step plans
 * down sooner as well as start fewer, so the number on a plan there falls well below where the
 * 2008–2013 curve was heading (the turn a frozen baseline should see); the rest of the borough stays
 * near its early-2014 level (no turn).
 */
export const CP_STOCK_AFTER_2014: {target: StockTarget[]; rest: StockTarget[]} = {
  target: [
    {day: dayOf(2015, 3, 31), count: 60},
    {day: dayOf(2016, 3, 31), count: 52}
  ],
  rest: [
    {day: dayOf(2015, 3, 31), count: 164},
    {day: dayOf(2016, 3, 31), count: 158}
  ]
};

/** At Q4 2012/13: 78.9% of the 194 on a first plan; under-1s the largest single age (29). */
export const CP_Q4_2013_FIRST_TIME = 153;
export const CP_Q4_2013_UNDER_ONE = 29;
/** Early 2014 (270 plans): the Early Help Strategy's category and ethnicity tables. */
export const CP_EARLY_2014_CATEGORY = {EMO: 101, NEG: 115, SAB: 5, PHY: 5, MUL: 44};
export const CP_EARLY_2014_ETHNICITY = {Asian: 50, Black: 19, Mixed: 28, Other: 40, White: 130, Missing: 3};
/** 21 March 2014: 106 of 278 children on plans had domestic violence as a presenting issue. */
export const CP_MARCH_2014_DOMESTIC_ABUSE = 106;

export const CARE_STARTS: ByYear<number> = {2008: 168, 2009: 182, 2010: 176, 2011: 170, 2012: 157, 2013: 163, 2014: 160, 2015: 158};
/** "The highest number of children coming into care are from the 5 target wards". */
export const CARE_TARGET_WARD_SHARE = 0.45;
export const CARE_FROM_PLAN = 0.42;

export const CARE_SNAPSHOT_MARCH_2013 = dayOf(2013, 3, 31);
export const CARE_SNAPSHOT_JUNE_2013 = dayOf(2013, 6, 30);
export const CARE_STOCK: StockTarget[] = [
  {day: dayOf(2008, 3, 31), count: 330},
  {day: dayOf(2009, 3, 31), count: 342},
  {day: dayOf(2010, 3, 31), count: 366},
  {day: dayOf(2011, 3, 31), count: 386},
  {day: dayOf(2012, 3, 31), count: 398},
  {day: CARE_SNAPSHOT_MARCH_2013, count: 388},
  {day: CARE_SNAPSHOT_JUNE_2013, count: 385},
  {day: dayOf(2014, 3, 31), count: 380},
  {day: dayOf(2015, 3, 31), count: 371},
  {day: dayOf(2016, 3, 31), count: 357}
];

/** CAFs completed in years the LSCB table does not cover (2011/12–2012/13 come from the table). */
export const CAF_TOTALS: ByYear<number> = {2008: 118, 2009: 146, 2010: 172, 2013: 365, 2014: 620, 2015: 860};

export const SERVICE_EPISODES: ByYear<number> = {2008: 520, 2009: 600, 2010: 680, 2011: 760, 2012: 820, 2013: 900, 2014: 1250, 2015: 1500};

export const MARAC_CASES: ByYear<number> = {2008: 118, 2009: 152, 2010: 196, 2011: 244, 2013: 392, 2014: 410, 2015: 428};

/** NEET rate among academic ages 16–18 each November (2013 as published). */
export const NEET_RATE: ByYear<number> = {2008: 0.076, 2009: 0.071, 2010: 0.067, 2011: 0.063, 2012: 0.059, 2013: 0.055, 2014: 0.054, 2015: 0.053};
export const NEET_UNKNOWN_RATE: ByYear<number> = {2008: 0.085, 2009: 0.075, 2010: 0.065, 2011: 0.055, 2012: 0.045, 2013: 0.038, 2014: 0.035, 2015: 0.033};
