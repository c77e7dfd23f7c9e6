import {fyStartDate} from "../../../shared/calendar.js";

/**
 * The CIN census XML, per return year (the year ending 31 March: 2025 = the 2024-25 census), as data.
 * Facts from DfE's CIN census XML schemas (as published in SocialFinanceDigitalLabs/liia-tools and
 * liia-tools-pipeline `cin_census_pipeline/spec/CIN_schema_<year>.xsd`) and the DfE validation rule
 * codes (as implemented in data-to-insight/csc-validator-be-cin). Only rules whose code we could
 * confirm carry a DfE number; the rest use a Curve rule name.
 */

export interface CinCensusYear {
  /** First return year this version applies to. */
  fromYear: number;
  /** The child's sex element: GenderCurrent (1/2/9/0) until 2023-24, Sex (M/F/U) from 2024-25. */
  sexElement: "GenderCurrent" | "Sex";
  sexCodes: readonly string[];
  /** Accepted spellings of the yes/no type (ReferralNFA, ICPCnotRequired). */
  yesNo: readonly string[];
}

export const CIN_CENSUS_YEARS: readonly CinCensusYear[] = [
  {fromYear: 2014, sexElement: "GenderCurrent", sexCodes: ["1", "2", "9", "0"], yesNo: ["true", "false", "TRUE", "FALSE", "1", "0"]},
  {fromYear: 2025, sexElement: "Sex", sexCodes: ["M", "F", "U"], yesNo: ["1", "0"]}
];

/**
 * The schema version for a return year. A census of an earlier year than the first listed (2008-09
 * to 2012-13) reads as the earliest version: councils re-submitting or backfilling old years write
 * them in a recent layout, with GenderCurrent and true/false or 1/0. An unknown year reads as the latest.
 */
export function cinCensusYear(returnYear: number | null): CinCensusYear {
  if (returnYear === null) return CIN_CENSUS_YEARS[CIN_CENSUS_YEARS.length - 1];
  return [...CIN_CENSUS_YEARS].reverse().find((y) => returnYear >= y.fromYear) ?? CIN_CENSUS_YEARS[0];
}

/**
 * Single assessments replaced initial and core assessments for referrals from 1 April 2014 (the
 * 2014-15 census). Before it a referral that was not NFA went to an initial assessment, and an
 * episode's first assessment was the initial, any later one the core.
 */
export const SINGLE_ASSESSMENT_FROM = fyStartDate(2014);

export const PRIMARY_NEED_CODES = ["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"];
export const REASONS_FOR_CLOSURE = ["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"];

/** The checks the parser makes while reading, by DfE rule code where one exists. */
export const CIN_RULES = {
  childIdMissing: {rule: "8500", field: "LAchildID", message: "LA Child ID missing"},
  childIdRepeated: {rule: "8510", field: "LAchildID", message: "More than one child record with the same LA Child ID"},
  birthDate: {rule: "8525", field: "PersonBirthDate", message: "Either Date of Birth or Expected Date of Birth must be provided (but not both)"},
  ethnicity: {rule: "4220", field: "Ethnicity", message: "Ethnicity is missing or invalid (see Ethnicity table)"},
  referralDate: {rule: "8600", field: "CINreferralDate", message: "Child referral date missing or after data collection period"},
  referralNfa: {rule: "8568", field: "ReferralNFA", message: "RNFA flag is missing or invalid"},
  needMissing: {rule: "8610", field: "PrimaryNeedCode", message: "Primary Need code is missing for a referral which led to further action"},
  needInvalid: {rule: "8650", field: "PrimaryNeedCode", message: "Primary Need Code invalid (see Primary Need table in CIN census code set)"},
  closureReasonWithoutDate: {rule: "8810", field: "ReasonForClosure", message: "A CIN case cannot have a Reason for Closure without a CIN Closure Date"},
  assessmentDates: {rule: "8608", field: "AssessmentActualStartDate", message: "Assessment Start Date cannot be later than its End Date"},
  s47Start: {rule: "8615", field: "S47ActualStartDate", message: "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection Conference"},
  previousPlans: {rule: "8730", field: "NumberOfPreviousCPP", message: "Total Number of previous Child Protection Plans missing"},
  initialCategory: {rule: "8905", field: "InitialCategoryOfAbuse", message: "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)"},
  sexMissing: {rule: "cin-sex-missing", field: "GenderCurrent", message: "the child's sex (GenderCurrent before 2024-25, Sex from 2024-25) is missing"},
  referralSourceMissing: {rule: "cin-referral-source-missing", field: "ReferralSource", message: "ReferralSource is missing; the schema requires one per CINdetails"},
  assessmentStartMissing: {rule: "cin-assessment-start-missing", field: "AssessmentActualStartDate", message: "an Assessments group has no AssessmentActualStartDate"},
  planStartMissing: {rule: "cin-plan-start-missing", field: "CPPstartDate", message: "a ChildProtectionPlans group has no CPPstartDate"}
} as const;
