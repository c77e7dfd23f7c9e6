/** Code lists written into the extracts (CIN census, SSDA903 and local codes). */

export const ETHNICITIES = ["Asian", "Black", "Mixed", "Other", "White", "Missing"] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

export type Sex = "male" | "female" | "unknown";

/**
 * CIN census sex coding changed to M/F/U from the 2024-25 collection: the code written depends on
 * the collection (financial) year of the extract, not on when the child was born.
 */
export function sexCode(sex: Sex, collectionYear: number): string {
  if (collectionYear >= 2024) return sex === "male" ? "M" : sex === "female" ? "F" : "U";
  return sex === "male" ? "1" : sex === "female" ? "2" : "9";
}

export const REFERRAL_SOURCES = ["1A", "2A", "3A", "3B", "3C", "4", "5A", "5D", "6", "8", "9"] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export const CONCERNS = ["general_childcare", "domestic_violence", "child_protection", "homeless", "other"] as const;
export type Concern = (typeof CONCERNS)[number];

export const REFERRAL_OUTCOMES = ["initial_assessment", "nfa", "early_help", "signposted"] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

export const CIN_FACTORS = [
  "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C",
  "5A", "5B", "5C", "6A", "6B", "6C", "7A", "11A", "13A", "21"
] as const;
export type CinFactor = (typeof CIN_FACTORS)[number];

export const DOMESTIC_ABUSE_FACTORS: readonly CinFactor[] = ["3A", "3B", "3C"];

export const CP_CATEGORIES = ["NEG", "EMO", "PHY", "SAB", "MUL"] as const;
export type CpCategory = (typeof CP_CATEGORIES)[number];

export const LEGAL_STATUSES = ["C1", "C2", "V2", "E1", "J1", "L1"] as const;
export const PLACEMENTS = ["U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "P1", "H5", "Z1"] as const;
export const REASONS_CEASED = ["E11", "E12", "E13", "E41", "E45", "E8"] as const;

export const LEAD_AGENCIES = ["Schools", "Health", "RAT", "LBC", "YOS", "Other", "GCP"] as const;
export type LeadAgency = (typeof LEAD_AGENCIES)[number];

export const END_REASONS = ["completed", "disengaged", "moved_away", "stepped_up", "stepped_down", "declined"] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Agency names exactly as printed in the LSCB's MARAC table, in the table's column order. */
export const MARAC_AGENCIES = [
  "Police",
  "IDVA",
  "Children's Social Care",
  "Community Services",
  "Secondary Care Health trust/ L&D",
  "Educational / FE",
  "School",
  "Housing",
  "SEPT Mental Health",
  "Probation",
  "Voluntary Sector (Women's Aid, LAWC)",
  "Substance Abuse",
  "Adult Social Care"
] as const;
export type MaracAgency = (typeof MARAC_AGENCIES)[number];

export const ACTIVITIES = ["EET", "NEET", "unknown"] as const;
