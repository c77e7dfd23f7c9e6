import {fyLabel, type FinancialYear} from "./calendar.js";

/** Column order of every extract, exactly as the pipeline's contracts expect. */
export const EXTRACT_COLUMNS = {
  referrals: ["referral_id", "child_key", "la_code", "birth_month", "sex", "ethnicity", "ward", "referral_date", "source", "primary_concern", "outcome"],
  assessments: ["assessment_id", "referral_id", "child_key", "la_code", "ward", "assessment_type", "start_date", "completion_date", "factors"],
  s47: ["enquiry_id", "child_key", "la_code", "ward", "start_date", "icpc_date", "outcome"],
  cp_plans: ["plan_id", "child_key", "la_code", "birth_month", "sex", "ethnicity", "ward", "start_date", "end_date", "category", "plan_sequence", "factors"],
  looked_after: ["episode_id", "child_key", "la_code", "birth_month", "sex", "ethnicity", "ward", "start_date", "end_date", "legal_status", "placement", "reason_ceased"],
  early_help: ["caf_id", "child_key", "la_code", "birth_month", "ward", "area", "completed_date", "lead_agency", "level_of_need", "step", "outcome"],
  service_episodes: ["episode_id", "child_key", "la_code", "birth_month", "ward", "provider_id", "programme_id", "referral_date", "start_date", "end_date", "end_reason", "level_of_need", "outcome_pre", "outcome_post", "unit_cost"],
  marac: ["case_id", "la_code", "meeting", "meeting_date", "referring_agency", "repeat_case", "children_in_household"],
  participation: ["young_person_key", "la_code", "birth_month", "sex", "ethnicity", "ward", "snapshot_date", "activity"],
  cin_episodes: ["episode_id", "child_key", "la_code", "birth_month", "sex", "ethnicity", "ward", "referral_date", "closure_date", "primary_need", "closure_reason", "referral_nfa"],
  cp_reviews: ["review_id", "plan_id", "child_key", "la_code", "review_date"],
  cla_missing: ["missing_id", "child_key", "la_code", "birth_month", "missing_type", "start_date", "end_date"],
  cla_health: ["child_key", "la_code", "birth_month", "year_end", "health_check", "teeth_check", "immunisations", "development_check", "sdq_score", "convicted", "substance_misuse"],
  care_leavers: ["child_key", "la_code", "birth_month", "year_end", "in_touch", "activity", "accommodation"]
} as const;

export type ExtractType = keyof typeof EXTRACT_COLUMNS;
export const EXTRACT_TYPES = Object.keys(EXTRACT_COLUMNS) as ExtractType[];

/** Id prefixes: `R821-000123` etc., unique across every year of an authority's extracts. */
export const ID_PREFIX: Record<ExtractType, string> = {
  referrals: "R",
  assessments: "A",
  s47: "S",
  cp_plans: "P",
  looked_after: "L",
  early_help: "C",
  service_episodes: "E",
  marac: "M",
  participation: "Y",
  cin_episodes: "N",
  cp_reviews: "V",
  cla_missing: "G",
  cla_health: "H",
  care_leavers: "K"
};

export function extractFileName(type: ExtractType, laCode: string, fy: FinancialYear): string {
  return `${type}_${laCode}_${fyLabel(fy)}.csv`;
}

export const EXTRACT_FILE_PATTERN = /^(referrals|assessments|s47|cp_plans|looked_after|early_help|service_episodes|marac|participation|cin_episodes|cp_reviews|cla_missing|cla_health|care_leavers)_(\d{3})_(\d{4})-(\d{2})\.csv$/;

export function formatId(type: ExtractType, laCode: string, serial: number): string {
  return `${ID_PREFIX[type]}${laCode}-${String(serial).padStart(6, "0")}`;
}

/** A cell as written: null and undefined become the empty cell that means "missing". */
export type Cell = string | number | null | undefined;
export type Row = Cell[];
