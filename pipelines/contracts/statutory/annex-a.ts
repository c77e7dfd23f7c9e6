/**
 * Ofsted's Annex A (inspection lists 1-11, one sheet per list) as data: how to find each list's sheet
 * and the columns Curve reads from it. Sheet and column names vary between councils ("List 1 -
 * Contacts", "List_1", "L1 Contacts"; "Child Unique ID" / "Child ID"), so each is a pattern. Facts
 * from SocialFinanceDigitalLabs/liia-tools `annex_a_pipeline/spec/` (Annex_A_schema.yml, pipeline.yml).
 */
import type {ExtractType} from "../extracts.js";

export interface AnnexAColumn {
  /** Curve's name for the column in this parser. */
  key: string;
  /** The header as Ofsted's template spells it, for messages. */
  header: string;
  pattern: RegExp;
  required: boolean;
}

export interface AnnexAList {
  list: number;
  title: string;
  /** The Curve extract type it becomes, or why it does not become one. */
  mapsTo: ExtractType | {notMapped: string};
  columns: AnnexAColumn[];
}

const col = (key: string, header: string, pattern: RegExp, required = true): AnnexAColumn => ({key, header, pattern, required});
const person = [
  col("childId", "Child Unique ID", /child.*(unique.*)?id|unique.*id/i),
  col("gender", "Gender", /^(gender|sex)\b/i, false),
  col("ethnicity", "Ethnicity", /ethnic/i, false),
  col("dob", "Date of Birth", /date.*birth|^dob$/i, false)
];

export const ANNEX_A_LISTS: readonly AnnexAList[] = [
  {list: 1, title: "Contacts", mapsTo: {notMapped: "Curve has no contacts extract"}, columns: person},
  {list: 2, title: "Early Help", mapsTo: {notMapped: "Curve's early_help extract needs area, lead agency, level of need, step and outcome, which List 2 does not carry"}, columns: person},
  {list: 3, title: "Referrals", mapsTo: "referrals", columns: [...person,
    col("referralDate", "Date of referral", /date.*referral/i), col("source", "Referral Source", /referral.*source|source/i),
    col("nfa", "Referral NFA?", /nfa/i, false)]},
  {list: 4, title: "Assessments", mapsTo: "assessments", columns: [...person,
    col("start", "Continuous Assessment Start Date", /assessment.*start/i),
    col("completed", "Continuous Assessment Date of Authorisation", /authoris|completion/i, false)]},
  {list: 5, title: "Section 47 Enquiries", mapsTo: "s47", columns: [...person,
    col("start", "Strategy discussion initiating Section 47 Enquiry Start Date", /(section 47|s47).*start|strategy discussion/i),
    col("icpcUnnecessary", "Was an Initial Child Protection Conference deemed unnecessary?", /deemed unnecessary|unnecessary/i, false),
    col("icpcDate", "Date of Initial Child Protection Conference", /date.*initial child protection conference|icpc date/i, false),
    col("plan", "Did the Initial Child Protection Conference Result in a Child Protection Plan", /result.*child protection plan/i, false)]},
  {list: 6, title: "Children in Need", mapsTo: {notMapped: "Curve has no children-in-need episode extract (CIN comes from referrals and plans)"}, columns: person},
  {list: 7, title: "Child Protection", mapsTo: "cp_plans", columns: [...person,
    col("start", "Child Protection Plan Start Date", /plan start/i), col("end", "Child Protection Plan End Date", /plan end/i, false),
    col("category", "Initial Category of Abuse", /initial category/i), col("previous", "Number of Previous Child Protection Plans", /number of previous/i, false)]},
  {list: 8, title: "Children in Care", mapsTo: "looked_after", columns: [...person,
    col("start", "Date Started to be Looked After", /started to be looked after/i),
    col("end", "Date Ceased to be Looked After", /ceased to be looked after/i, false),
    col("reasonCeased", "Reason Ceased to be Looked After", /reason ceased/i, false),
    col("legalStatus", "Child's Legal Status", /^(child'?s )?legal status/i),
    col("placement", "Placement Type", /placement type/i, false),
    col("placementPostcode", "Placement postcode", /placement post ?code/i, false)]},
  {list: 9, title: "Care Leavers", mapsTo: {notMapped: "Curve has no care leavers extract"}, columns: person},
  {list: 10, title: "Adoption", mapsTo: {notMapped: "Curve has no adoption extract"}, columns: person},
  {list: 11, title: "Adopters", mapsTo: {notMapped: "adopters are adults: Curve holds no adopter records"},
    columns: [col("adopterId", "Individual adopter identifier", /adopter.*identifier/i)]}
];

/** The list a sheet holds, from its name: "List 1 - Contacts", "List_1", "list1", "L1 Contacts", "List 10 Adoption". */
export function listOfSheet(name: string): number | null {
  const m = /^\s*(?:list|l)\s*[_\-.]?\s*(\d{1,2})(?!\d)/i.exec(name);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 11 ? n : null;
}
