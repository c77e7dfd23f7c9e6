/**
 * How CIN census fields stand for the referral and assessment attributes Curve's indicators use
 * and the census has no field for. Shared by the demo generator (which writes the census from
 * Curve's records) and the CIN census importer (which reads them back), so a round trip through
 * the statutory files gives back the same referrals, assessments, enquiries and plans.
 *
 * Curve convention, not DfE's: the census records a child's primary need (N0–N9), not the concern
 * that brought the referral, so the concern is read from the need code. A council whose recording
 * differs can change the table; nothing else depends on it. See docs/demo-data.md.
 */

export const CONCERNS = ["general_childcare", "domestic_violence", "child_protection", "homeless", "other"] as const;
export type Concern = (typeof CONCERNS)[number];

/** The need code written for each concern ("other" takes one of OTHER_NEED_CODES). */
export const NEED_CODE_BY_CONCERN: Record<Exclude<Concern, "other">, string> = {
  child_protection: "N1", // Abuse or neglect
  general_childcare: "N4", // Family in acute stress
  domestic_violence: "N5", // Family dysfunction
  homeless: "N8" // Absent parenting (young people no longer cared for at home)
};

/** Need codes that read back as "other"; the first four are also valid 903 CIN codes (N1–N8). */
export const OTHER_NEED_CODES = ["N2", "N3", "N6", "N7", "N9", "N0"] as const;

const CONCERN_BY_NEED = new Map<string, Concern>(Object.entries(NEED_CODE_BY_CONCERN).map(([c, n]) => [n, c as Concern]));

/** The referral's primary_concern from the CIN episode's PrimaryNeedCode (absent → other). */
export function concernFromNeedCode(code: string | null | undefined): Concern {
  return (code && CONCERN_BY_NEED.get(code.trim().toUpperCase())) || "other";
}

/** Single assessments replaced initial and core assessments for referrals from this date. */
export const SINGLE_ASSESSMENT_FROM = "2014-04-01";

/**
 * The referral's outcome. ReferralNFA true → "nfa" (the census cannot tell a referral closed with
 * no action from one passed to early help or signposted: Curve's own layout can). Otherwise the
 * referral went to assessment: "initial_assessment" before 1 April 2014, "single_assessment" after.
 */
export function referralOutcome(referralNfa: boolean, referralDate: string): "nfa" | "initial_assessment" | "single_assessment" {
  if (referralNfa) return "nfa";
  return referralDate < SINGLE_ASSESSMENT_FROM ? "initial_assessment" : "single_assessment";
}

/**
 * Assessment type, which the census (2015-16 layout onward) does not carry: from 1 April 2014
 * "single"; before it the first assessment of a CIN episode (by start date) is the initial
 * assessment and any later one the core assessment.
 */
export function assessmentType(referralDate: string, ordinalInEpisode: number): "initial" | "core" | "single" {
  if (referralDate >= SINGLE_ASSESSMENT_FROM) return "single";
  return ordinalInEpisode === 0 ? "initial" : "core";
}

/**
 * The s47 enquiry's outcome: "plan" when a plan in the same CIN episode starts on the day of its
 * initial conference, "no_plan" when the conference was held without one or was not required,
 * "pending" while neither is recorded.
 */
export function s47Outcome(e: {icpcDate: string | null; icpcNotRequired: boolean}, planStartDates: readonly string[]): "plan" | "no_plan" | "pending" {
  if (e.icpcDate) return planStartDates.includes(e.icpcDate) ? "plan" : "no_plan";
  return e.icpcNotRequired ? "no_plan" : "pending";
}

/**
 * A plan's factors (cp_plans.factors): those identified at the latest assessment of the same CIN
 * episode that started on or before the plan began. Domestic abuse on a plan is 3A–3C among them.
 */
export function planFactors(assessments: readonly {start: string; factors: readonly string[]}[], planStart: string): string[] {
  let best: {start: string; factors: readonly string[]} | null = null;
  for (const a of assessments) if (a.start <= planStart && (best === null || a.start >= best.start)) best = a;
  return best ? [...best.factors] : [];
}

/** A referral source the importer should read as Curve's: 5D (early help) exists only from 2021-22. */
export const SOURCE_NOTES = {
  earlyHelpFrom: 2022,
  earlyHelpCode: "5D",
  beforeThat: "5B"
} as const;
