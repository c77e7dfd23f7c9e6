import {z} from "zod";
import {field, fieldSchema, type Field} from "./fields.js";

/**
 * Extract contracts: what each anonymised extract must contain, keyed by collection year because
 * code lists change (sex moved to M/F/U in the 2024-25 CIN census). Adding an extract type or a new
 * year's version is data here, not pipeline code.
 */

export const EXTRACT_TYPES = [
  "referrals", "assessments", "s47", "cp_plans", "looked_after", "early_help",
  "service_episodes", "marac", "participation",
  "cin_episodes", "cp_reviews", "cla_missing", "cla_health", "care_leavers"
] as const;
export type ExtractType = (typeof EXTRACT_TYPES)[number];

export const CIN_SOURCES = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"] as const;
export const CIN_FACTORS = [
  "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C",
  "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A",
  "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A"
] as const;
export const CP_CATEGORIES = ["NEG", "EMO", "PHY", "SAB", "MUL"] as const;
/** SSDA903 OC3 main activity (2017 list, plus 2023-24's F4/P4 employment and F5/P5 training). */
export const OC3_ACTIVITIES = ["F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"] as const;
/** SSDA903 OC3 accommodation: a letter for the type, 1 suitable or 2 not suitable; 0 no information. */
export const OC3_ACCOMMODATION = ["B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S1", "S2",
  "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X1", "X2", "Y1", "Y2", "Z1", "Z2", "0"] as const;
export const ETHNICITY_GROUPS = ["Asian", "Black", "Mixed", "Other", "White", "Missing"] as const;
/** CIN census sex coding before 2024-25 (1 male, 2 female, 9 not known) and from 2024-25 (M/F/U). */
export const SEX_CODES_BEFORE_2024 = ["1", "2", "9", "0"] as const;
export const SEX_CODES_FROM_2024 = ["M", "F", "U"] as const;

/** A rule over one typed row, in SQL over the typed columns. Failing rows are quarantined. */
export interface RowRule {
  rule: string;
  field: string;
  message: string;
  /** SQL boolean that is TRUE when the row breaks the rule (NULLs never break it). */
  breaks: string;
}

export interface ExtractContract {
  type: ExtractType;
  /** First collection year (the April it starts) this version applies to. */
  fromYear: number;
  description: string;
  fields: Field[];
  /** The record's own identifier: duplicates within the loaded data are quarantined. */
  key: string;
  /**
   * Event records (a referral, an assessment) belong to one period, so a key already loaded from
   * another period's file of the same authority is quarantined as a duplicate. Not so for episodes,
   * which every return lists while open, nor for a person's yearly snapshot.
   */
  keyUniqueAcrossPeriods?: boolean;
  /** The date that places a record in its collection year. */
  periodField: string;
  /**
   * Episode extracts (SSDA903-style) list every episode open during the year, so a record belongs to
   * the year if it is active in it (starts by the year's end and has not ended before its start);
   * event extracts list what happened in the year.
   */
  periodEnd?: string;
  /** Fields whose dates may not be in the future. */
  dateFields: string[];
  /** Age at `ageAt`, from the month of birth, must fall in this range (years). */
  age?: {at: string; min: number; max: number};
  /** Whether the ward column must be a known ward of the authority. */
  wardField?: string;
  rules: RowRule[];
}

const ended = (start: string, end: string): RowRule => ({
  rule: "ends-before-start",
  field: end,
  message: `${end} is before ${start}`,
  breaks: `"${end}" < "${start}"`
});

const sex = (year: number) =>
  field.enum("sex", "CIN sex code for the collection year", year >= 2024 ? SEX_CODES_FROM_2024 : SEX_CODES_BEFORE_2024);
const child = () => field.key("child_key", "pseudonymous child key (keyed hash held by the council)");
const la = () => field.id("la_code", "DfE local authority number (must match the file name)");
const birth = () => field.month("birth_month", "month of birth (degraded from date of birth)");
const ethnicity = () => field.enum("ethnicity", "major ethnic group", ETHNICITY_GROUPS);
const ward = () => field.id("ward", "ward (or Leeds cluster) id from data/reference/wards.csv");
const yes = (name: string, description: string) => field.enum(name, description, ["Y", "N"], false);

function contractsFor(year: number): ExtractContract[] {
  return [
    {
      type: "referrals", fromYear: year, key: "referral_id", keyUniqueAcrossPeriods: true, periodField: "referral_date",
      description: "Referrals to children's social care",
      fields: [
        field.id("referral_id", "referral identifier"), child(), la(), birth(), sex(year), ethnicity(), ward(),
        field.date("referral_date", "date the referral was received"),
        field.enum("source", "CIN referral source code", CIN_SOURCES),
        field.enum("primary_concern", "primary need or concern", ["general_childcare", "domestic_violence", "child_protection", "homeless", "other"]),
        field.enum("outcome", "referral outcome", ["initial_assessment", "nfa", "early_help", "signposted", "single_assessment"])
      ],
      dateFields: ["referral_date"], age: {at: "referral_date", min: -1, max: 17}, wardField: "ward", rules: []
    },
    {
      type: "assessments", fromYear: year, key: "assessment_id", keyUniqueAcrossPeriods: true, periodField: "start_date",
      description: "Initial, core and single assessments with CIN factors identified",
      fields: [
        field.id("assessment_id", "assessment identifier"), field.id("referral_id", "the referral it follows", false),
        child(), la(), ward(),
        field.enum("assessment_type", "assessment type", ["initial", "core", "single"]),
        field.date("start_date", "assessment start"), field.date("completion_date", "assessment completed", false),
        field.codes("factors", "CIN factors identified at assessment", CIN_FACTORS)
      ],
      dateFields: ["start_date", "completion_date"], wardField: "ward", rules: [ended("start_date", "completion_date")]
    },
    {
      type: "s47", fromYear: year, key: "enquiry_id", keyUniqueAcrossPeriods: true, periodField: "start_date",
      description: "Section 47 enquiries and initial child protection conferences",
      fields: [
        field.id("enquiry_id", "enquiry identifier"), child(), la(), ward(),
        field.date("start_date", "enquiry start"), field.date("icpc_date", "initial conference date", false),
        field.enum("outcome", "outcome", ["plan", "no_plan", "pending"])
      ],
      dateFields: ["start_date", "icpc_date"], wardField: "ward", rules: [ended("start_date", "icpc_date")]
    },
    {
      type: "cp_plans", fromYear: year, key: "plan_id", periodField: "start_date", periodEnd: "end_date",
      description: "Child protection plans",
      fields: [
        field.id("plan_id", "plan identifier"), child(), la(), birth(), sex(year), ethnicity(), ward(),
        field.date("start_date", "plan start"), field.date("end_date", "plan end", false),
        field.enum("category", "category of abuse", CP_CATEGORIES),
        field.int("plan_sequence", "1 for a first plan, 2 or more for second or subsequent", 1, 20),
        field.codes("factors", "CIN factors at assessment", CIN_FACTORS)
      ],
      dateFields: ["start_date", "end_date"], age: {at: "start_date", min: -1, max: 17}, wardField: "ward",
      rules: [ended("start_date", "end_date")]
    },
    {
      type: "looked_after", fromYear: year, key: "episode_id", periodField: "start_date", periodEnd: "end_date",
      description: "Looked-after episodes (SSDA903-shaped)",
      fields: [
        field.id("episode_id", "episode identifier"), child(), la(), birth(), sex(year), ethnicity(), ward(),
        field.date("start_date", "episode start"), field.date("end_date", "episode end", false),
        field.enum("legal_status", "legal status", ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"]),
        field.enum("placement", "placement type", ["U1", "U2", "U3", "U4", "U5", "U6", "R1", "R2", "R3", "R5", "K1", "K2", "P1", "P2", "P3", "H5", "S1", "T0", "T1", "T2", "T3", "T4", "Z1", "A3", "A4", "A5", "A6"]),
        field.enum("reason_ceased", "reason the episode ceased", ["E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44", "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1"], false),
        // SSDA903 writes a new episode at every placement or legal-status change; only RNE 'S' starts a
        // period of care. Curve-layout files without the column keep one row per period (rne empty).
        {...field.enum("rne", "SSDA903 reason for new episode (S = started to be looked after)", ["S", "L", "P", "T", "B", "U"], false), absentOk: true},
        {...field.enum("placement_area", "placement inside or outside the authority's area (from the placement postcode)", ["in", "out"], false), absentOk: true}
      ],
      dateFields: ["start_date", "end_date"], age: {at: "start_date", min: 0, max: 17}, wardField: "ward",
      rules: [ended("start_date", "end_date")]
    },
    {
      type: "early_help", fromYear: year, key: "caf_id", keyUniqueAcrossPeriods: true, periodField: "completed_date",
      description: "Early help (CAF) assessments completed",
      fields: [
        field.id("caf_id", "CAF identifier"), child(), la(), birth(), field.id("ward", "ward id", false),
        field.enum("area", "neighbourhood area", ["central", "north", "east", "south", "west"]),
        field.date("completed_date", "date the CAF was completed"),
        field.enum("lead_agency", "lead or referring agency", ["Schools", "Health", "RAT", "LBC", "YOS", "Other", "GCP"]),
        field.int("level_of_need", "level of need (thresholds document, 1-4)", 1, 4),
        field.enum("step", "step up to or down from social care", ["none", "up", "down"]),
        field.enum("outcome", "outcome", ["open", "closed_needs_met", "stepped_up", "disengaged"])
      ],
      dateFields: ["completed_date"], age: {at: "completed_date", min: -1, max: 19}, wardField: "ward", rules: []
    },
    {
      type: "service_episodes", fromYear: year, key: "episode_id", periodField: "referral_date", periodEnd: "end_date",
      description: "Commissioned-service episodes",
      fields: [
        field.id("episode_id", "episode identifier"), child(), la(), birth(), ward(),
        field.id("provider_id", "provider id from data/reference/providers.json"),
        field.id("programme_id", "programme id from data/reference/providers.json"),
        field.date("referral_date", "referral to the service"), field.date("start_date", "service start", false),
        field.date("end_date", "service end", false),
        field.enum("end_reason", "why the episode ended", ["completed", "disengaged", "moved_away", "stepped_up", "stepped_down", "declined"], false),
        field.int("level_of_need", "level of need at referral (1-4)", 1, 4),
        field.number("outcome_pre", "outcome score at start", -1000, 1000, false),
        field.number("outcome_post", "outcome score at end", -1000, 1000, false),
        field.number("unit_cost", "cost of the episode in GBP", 0, 1_000_000)
      ],
      dateFields: ["referral_date", "start_date", "end_date"], age: {at: "referral_date", min: -1, max: 19}, wardField: "ward",
      rules: [ended("referral_date", "start_date"), ended("start_date", "end_date")]
    },
    {
      type: "marac", fromYear: year, key: "case_id", keyUniqueAcrossPeriods: true, periodField: "meeting_date",
      description: "Multi-agency risk assessment conference cases (domestic abuse)",
      fields: [
        field.id("case_id", "case identifier"), la(),
        field.text("meeting", "meeting label as recorded", 40),
        field.date("meeting_date", "date of the (first) sitting"),
        field.text("referring_agency", "referring agency", 80),
        field.enum("repeat_case", "repeat case within 12 months", ["Y", "N"]),
        field.int("children_in_household", "children in the household", 0, 30)
      ],
      dateFields: ["meeting_date"], rules: []
    },
    {
      type: "cin_episodes", fromYear: year, key: "episode_id", periodField: "referral_date", periodEnd: "closure_date",
      description: "Children-in-need episodes (CIN census CINdetails): open from the referral to the closure",
      fields: [
        field.id("episode_id", "episode identifier"), child(), la(), birth(), sex(year), ethnicity(), ward(),
        field.date("referral_date", "date of the referral that opened the episode (CINreferralDate)"),
        field.date("closure_date", "date the episode closed (CINclosureDate)", false),
        field.enum("primary_need", "primary need code (N0-N9)", ["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"], false),
        field.enum("closure_reason", "reason for closure (RC1-RC9)", ["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"], false),
        yes("referral_nfa", "the referral led to no further action (ReferralNFA)")
      ],
      dateFields: ["referral_date", "closure_date"], age: {at: "referral_date", min: -1, max: 17}, wardField: "ward",
      rules: [ended("referral_date", "closure_date")]
    },
    {
      type: "cp_reviews", fromYear: year, key: "review_id", keyUniqueAcrossPeriods: true, periodField: "review_date",
      description: "Child protection reviews (CIN census CPPreviewDate), each joined to its plan",
      fields: [
        field.id("review_id", "review identifier"), field.id("plan_id", "the child protection plan reviewed (cp_plans.plan_id)"),
        child(), la(), field.date("review_date", "date of the review conference")
      ],
      dateFields: ["review_date"], rules: []
    },
    {
      type: "cla_missing", fromYear: year, key: "missing_id", keyUniqueAcrossPeriods: true, periodField: "start_date",
      description: "Missing and away-without-authorisation episodes of looked-after children (SSDA903 Missing table)",
      fields: [
        field.id("missing_id", "missing episode identifier"), child(), la(), birth(),
        field.enum("missing_type", "M missing, A away from placement without authorisation", ["M", "A"]),
        field.date("start_date", "start of the episode (MIS_START)"), field.date("end_date", "end of the episode (MIS_END)", false)
      ],
      dateFields: ["start_date", "end_date"], age: {at: "start_date", min: 0, max: 18}, rules: [ended("start_date", "end_date")]
    },
    {
      type: "cla_health", fromYear: year, key: "child_key", periodField: "year_end",
      description: "Health and offending of children looked after continuously for 12 months at 31 March (SSDA903 OC2 table)",
      fields: [
        child(), la(), birth(), field.date("year_end", "31 March of the return year"),
        yes("health_check", "annual health assessment up to date (HEALTH_CHECK)"),
        yes("teeth_check", "teeth checked by a dentist in the year (TEETH_CHECK)"),
        yes("immunisations", "immunisations up to date (IMMUNISATIONS)"),
        yes("development_check", "under 5: development assessment up to date (HEALTH_ASSESSMENT)"),
        field.int("sdq_score", "Strengths and Difficulties Questionnaire score (SDQ_SCORE)", 0, 40, false),
        yes("convicted", "convicted or subject to a final warning or reprimand in the year (CONVICTED)"),
        yes("substance_misuse", "identified as having a substance misuse problem (SUBSTANCE_MISUSE)")
      ],
      dateFields: [], age: {at: "year_end", min: 0, max: 18}, rules: []
    },
    {
      type: "care_leavers", fromYear: year, key: "child_key", periodField: "year_end",
      description: "Care leavers' activity and accommodation around their birthday in the year (SSDA903 OC3 table)",
      fields: [
        child(), la(), birth(), field.date("year_end", "31 March of the return year"),
        field.enum("in_touch", "the authority was in touch (IN_TOUCH)", ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"]),
        field.enum("activity", "main activity (ACTIV)", OC3_ACTIVITIES),
        field.enum("accommodation", "accommodation and whether suitable (ACCOM)", OC3_ACCOMMODATION)
      ],
      dateFields: [], age: {at: "year_end", min: 16, max: 22}, rules: []
    },
    {
      type: "participation", fromYear: year, key: "young_person_key", periodField: "snapshot_date",
      description: "Young people's education, employment or training status (November snapshot)",
      fields: [
        field.key("young_person_key", "pseudonymous young person key"), la(), birth(), sex(year), ethnicity(), ward(),
        field.date("snapshot_date", "snapshot date"),
        field.enum("activity", "activity", ["EET", "NEET", "unknown"])
      ],
      dateFields: ["snapshot_date"], age: {at: "snapshot_date", min: 15, max: 19}, wardField: "ward", rules: []
    }
  ];
}

const VERSIONS = [2008, 2024];
const CATALOGUE = new Map<number, ExtractContract[]>(VERSIONS.map((y) => [y, contractsFor(y)]));

/** The contract for an extract type in a collection year (the year its April falls in). */
export function contractFor(type: ExtractType, collectionYear: number): ExtractContract {
  const version = VERSIONS.findLast((v) => collectionYear >= v);
  if (version === undefined) throw new RangeError(`no ${type} contract for collection year ${collectionYear}: the earliest is ${VERSIONS[0]}`);
  return CATALOGUE.get(version)!.find((c) => c.type === type)!;
}

/** A zod schema for one raw CSV row of this contract: used for single rows and documentation. */
export function rowSchema(contract: ExtractContract) {
  return z.object(Object.fromEntries(contract.fields.map((f) => [f.name, fieldSchema(f)])));
}

/** Extract file names: `<type>_<la_code>_<YYYY-YY>.csv`, e.g. `referrals_821_2012-13.csv`. */
export interface ExtractName {
  type: ExtractType;
  laCode: string;
  collectionYear: number;
  period: string;
}

/** A Curve extract's file name, <type>_<la_code>_<YYYY-YY>[.<tag>].csv[.gz]; also read by SQL (RE2 takes it as written). */
export const EXTRACT_NAME = /^([a-z0-9_]+?)_(\d{3})_(\d{4})-(\d{2})(?:\.[a-z0-9]+)?\.csv(?:\.gz)?$/;

export function parseExtractName(fileName: string): ExtractName | {error: string} {
  const m = EXTRACT_NAME.exec(fileName);
  if (!m) return {error: `'${fileName}' is not named <type>_<la_code>_<YYYY-YY>.csv (e.g. referrals_821_2012-13.csv)`};
  const type = m[1] as ExtractType;
  if (!EXTRACT_TYPES.includes(type)) return {error: `'${fileName}': unknown extract type '${m[1]}'; expected one of ${EXTRACT_TYPES.join(", ")}`};
  const year = +m[3];
  if ((year + 1) % 100 !== +m[4]) return {error: `'${fileName}': ${m[3]}-${m[4]} is not a financial year`};
  return {type, laCode: m[2], collectionYear: year, period: `${m[3]}-${m[4]}`};
}
