/**
 * How CIN census fields stand for the referral, assessment, enquiry and plan attributes Curve's
 * indicators use and the census has no field for. The ONE mapping: the demo generator writes the
 * census from Curve's records with it and the CIN census, SSD and Annex A importers read the files
 * back with it, so a round trip through the statutory files gives back the same records.
 *
 * The need-code → concern table is data (data/reference/cin-need-concerns.json), not code: Curve's
 * `primary_concern` is a local vocabulary, and the census records a child's primary need, not the
 * concern that brought the referral, so how one stands for the other is a council's decision to
 * review. No assessment factor overrides it (a need code is the only source of the concern).
 */
import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {z} from "zod";
import {SINGLE_ASSESSMENT_FROM} from "../contracts/statutory/cin-census.js";

export const CONCERNS = ["general_childcare", "domestic_violence", "child_protection", "homeless", "other"] as const;
export type Concern = (typeof CONCERNS)[number];

/** Every CIN primary need code, in the order the spare ones are handed out for "other". */
export const NEED_CODES = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0"] as const;

export const CIN_NEED_CONCERNS_FILE = fileURLToPath(new URL("../../data/reference/cin-need-concerns.json", import.meta.url));

const NeedConcerns = z.object({
  concernByNeedCode: z.partialRecord(z.enum(NEED_CODES), z.enum(CONCERNS)),
  default: z.enum(CONCERNS)
});
export type NeedConcerns = z.infer<typeof NeedConcerns>;

/** Reads and checks the table; a typo names the file and the field rather than mapping silently to "other". */
export function loadNeedConcerns(path = CIN_NEED_CONCERNS_FILE): NeedConcerns {
  const parsed = NeedConcerns.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${path}: ${i.path.join(".") || "(top level)"}: ${i.message} (need codes N0–N9; concerns ${CONCERNS.join(", ")})`);
  }
  return parsed.data;
}

const TABLE = loadNeedConcerns();
const CONCERN_BY_NEED = new Map<string, Concern>(Object.entries(TABLE.concernByNeedCode) as [string, Concern][]);

/** The need code written for each mapped concern: the first code (N1…N9, N0) that reads back as it. */
export const NEED_CODE_BY_CONCERN: Partial<Record<Concern, string>> = Object.fromEntries(
  CONCERNS.map((c) => [c, NEED_CODES.find((n) => CONCERN_BY_NEED.get(n) === c)]).filter(([, n]) => n !== undefined)
);

/** Need codes that read back as the default concern, in order; the first four are N1–N8 codes the 903 CIN column allows when the table is the default one. */
export const OTHER_NEED_CODES: readonly string[] = NEED_CODES.filter((n) => !CONCERN_BY_NEED.has(n));

/**
 * The referral's primary_concern from the CIN episode's PrimaryNeedCode: absent or unmapped → the
 * table's default. A code that is no need code at all (a typo, "N12") passes through unchanged, so
 * the referrals contract quarantines the row with its own message instead of it counting as "other".
 */
export function concernFromNeedCode(code: string | null | undefined): string {
  if (code === null || code === undefined || code.trim() === "") return TABLE.default;
  const c = code.trim().toUpperCase();
  if (!(NEED_CODES as readonly string[]).includes(c)) return code.trim();
  return CONCERN_BY_NEED.get(c) ?? TABLE.default;
}

/**
 * The referral's outcome. ReferralNFA true → "nfa" (the census cannot tell a referral closed with
 * no action from one passed to early help or signposted: Curve's own layout can). Otherwise the
 * referral went to assessment: "initial_assessment" before 1 April 2014, "single_assessment" after
 * (and when the referral has no date, as the census's current layout is single assessments).
 */
export function referralOutcome(referralNfa: boolean, referralDate: string | null): "nfa" | "initial_assessment" | "single_assessment" {
  if (referralNfa) return "nfa";
  return referralDate !== null && referralDate < SINGLE_ASSESSMENT_FROM ? "initial_assessment" : "single_assessment";
}

/**
 * Assessment type, which the census (2015-16 layout onward) does not carry: from 1 April 2014
 * "single"; before it the first assessment of a CIN episode (by start date) is the initial
 * assessment and any later one the core assessment.
 */
export function assessmentType(referralDate: string | null, ordinalInEpisode: number): "initial" | "core" | "single" {
  if (referralDate === null || referralDate >= SINGLE_ASSESSMENT_FROM) return "single";
  return ordinalInEpisode === 0 ? "initial" : "core";
}

/**
 * The s47 enquiry's outcome: "plan" when a plan in the same CIN episode starts on the day of its
 * initial conference, "no_plan" when the conference was held without one or was not required,
 * "pending" while neither is recorded.
 */
export function s47Outcome(e: {icpcDate: string | null; icpcNotRequired: boolean}, planStartDates: Iterable<string>): "plan" | "no_plan" | "pending" {
  if (e.icpcDate) return [...planStartDates].includes(e.icpcDate) ? "plan" : "no_plan";
  return e.icpcNotRequired ? "no_plan" : "pending";
}

/**
 * A plan's factors (cp_plans.factors): those identified at the latest assessment of the same CIN
 * episode that started on or before the plan began. Domestic abuse on a plan is 3A–3C among them.
 */
export function planFactors(assessments: readonly {start: string | null; factors: readonly string[]}[], planStart: string | null): string[] {
  if (planStart === null) return [];
  let best: {start: string | null; factors: readonly string[]} | null = null;
  for (const a of assessments) if (a.start !== null && a.start <= planStart && (best === null || a.start >= best.start!)) best = a;
  return best ? [...best.factors] : [];
}

/** A referral source the importer should read as Curve's: 5D (early help) exists only from 2021-22. */
export const SOURCE_NOTES = {
  earlyHelpFrom: 2022,
  earlyHelpCode: "5D",
  beforeThat: "5B"
} as const;
