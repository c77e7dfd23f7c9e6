import {readFileSync} from "node:fs";
import {SaxesParser} from "saxes";

/**
 * A test-side reader of CIN census XML, independent of the generator: streams the file with
 * saxes (which throws on anything not well-formed), checks every element's children come in the
 * order its schema sequence gives, and returns the children with their episodes.
 */

/** Element sequences of liia-tools CIN_schema_2016.xsd (children in schema order; * repeats). */
export const CIN_2016_SEQUENCES: Record<string, string[]> = {
  Message: ["Header", "Children"],
  Header: ["CollectionDetails", "Source*"],
  CollectionDetails: ["Collection", "Year", "ReferenceDate"],
  Source: ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"],
  Children: ["Child*"],
  Child: ["ChildIdentifiers", "ChildCharacteristics", "CINdetails*"],
  ChildIdentifiers: ["LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate", "GenderCurrent", "PersonDeathDate"],
  ChildCharacteristics: ["Ethnicity", "Disabilities"],
  Disabilities: ["Disability*"],
  CINdetails: ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC", "Assessments*", "Section47*", "ReferralNFA", "ChildProtectionPlans*"],
  Assessments: ["AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"],
  FactorsIdentifiedAtAssessment: ["AssessmentFactors*"],
  Section47: ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
  ChildProtectionPlans: ["CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "SeenSocialWorker", "Reviews"],
  Reviews: ["CPPreviewDate*"]
};
/** Elements the 2016 schema requires (minOccurs 1) inside each parent. */
export const CIN_2016_REQUIRED: Record<string, string[]> = {
  Message: ["Children"],
  Child: ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"],
  ChildIdentifiers: ["LAchildID", "GenderCurrent"],
  ChildCharacteristics: ["Ethnicity"],
  CINdetails: ["CINreferralDate", "ReferralSource", "ReferralNFA"],
  Assessments: ["AssessmentActualStartDate"],
  Section47: ["S47ActualStartDate", "ICPCnotRequired"],
  ChildProtectionPlans: ["CPPstartDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "SeenSocialWorker"],
  Source: ["LEA"]
};

export interface CinAssessment {
  start: string;
  completion: string | null;
  factors: string[];
}
export interface CinS47 {
  start: string;
  icpc: string | null;
  notRequired: boolean;
}
export interface CinPlan {
  start: string;
  end: string | null;
  category: string;
  previous: number;
}
export interface CinEpisodeRead {
  referralDate: string;
  source: string;
  need: string | null;
  closure: string | null;
  reason: string | null;
  nfa: boolean;
  assessments: CinAssessment[];
  s47: CinS47[];
  plans: CinPlan[];
}
export interface CinChildRead {
  id: string;
  upn: string | null;
  dob: string | null;
  expectedDob: string | null;
  gender: string;
  ethnicity: string;
  episodes: CinEpisodeRead[];
}
export interface CinCensusRead {
  la: string;
  year: string;
  referenceDate: string;
  children: CinChildRead[];
  /** Every leaf value by element name (for code-list checks). */
  values: Map<string, Set<string>>;
  /** Broken order or missing required elements, as "path: message". */
  problems: string[];
  hasSyntheticNotice: boolean;
}

export function readCinCensus(path: string): CinCensusRead {
  const out: CinCensusRead = {la: "", year: "", referenceDate: "", children: [], values: new Map(), problems: [], hasSyntheticNotice: false};
  const stack: {name: string; seen: string[]; pos: number}[] = [];
  let text = "";
  let child: CinChildRead | null = null;
  let ep: CinEpisodeRead | null = null;
  let asmt: CinAssessment | null = null;
  let s47: CinS47 | null = null;
  let plan: CinPlan | null = null;
  const parser = new SaxesParser();
  parser.on("comment", (c) => {
    if (/SYNTHETIC DEMO DATA/.test(c)) out.hasSyntheticNotice = true;
  });
  parser.on("opentag", (node) => {
    const parent = stack[stack.length - 1];
    if (parent) {
      const seq = CIN_2016_SEQUENCES[parent.name];
      if (!seq) out.problems.push(`${parent.name}: has no children in the schema, found ${node.name}`);
      else {
        const i = seq.findIndex((s) => s.replace("*", "") === node.name);
        if (i < 0) out.problems.push(`${parent.name}: unexpected ${node.name}`);
        else if (i < parent.pos || (i === parent.pos && !seq[i].endsWith("*") && parent.seen.includes(node.name))) out.problems.push(`${parent.name}: ${node.name} out of order`);
        else parent.pos = i;
      }
      parent.seen.push(node.name);
    }
    stack.push({name: node.name, seen: [], pos: 0});
    text = "";
    if (node.name === "Child") child = {id: "", upn: null, dob: null, expectedDob: null, gender: "", ethnicity: "", episodes: []};
    if (node.name === "CINdetails") ep = {referralDate: "", source: "", need: null, closure: null, reason: null, nfa: false, assessments: [], s47: [], plans: []};
    if (node.name === "Assessments") asmt = {start: "", completion: null, factors: []};
    if (node.name === "Section47") s47 = {start: "", icpc: null, notRequired: false};
    if (node.name === "ChildProtectionPlans") plan = {start: "", end: null, category: "", previous: 0};
  });
  parser.on("text", (t) => {
    text += t;
  });
  parser.on("closetag", (node) => {
    const me = stack.pop()!;
    for (const req of CIN_2016_REQUIRED[me.name] ?? []) if (!me.seen.includes(req)) out.problems.push(`${me.name}: missing ${req}`);
    const v = text.trim();
    const parent = stack[stack.length - 1]?.name;
    if (!CIN_2016_SEQUENCES[node.name]) {
      if (!out.values.has(node.name)) out.values.set(node.name, new Set());
      out.values.get(node.name)!.add(v);
    }
    switch (node.name) {
      case "LEA": out.la = v; break;
      case "Year": out.year = v; break;
      case "ReferenceDate": out.referenceDate = v; break;
      case "LAchildID": child!.id = v; break;
      case "UPN": child!.upn = v; break;
      case "PersonBirthDate": child!.dob = v; break;
      case "ExpectedPersonBirthDate": child!.expectedDob = v; break;
      case "GenderCurrent": child!.gender = v; break;
      case "Ethnicity": child!.ethnicity = v; break;
      case "CINreferralDate": ep!.referralDate = v; break;
      case "ReferralSource": ep!.source = v; break;
      case "PrimaryNeedCode": ep!.need = v; break;
      case "CINclosureDate": ep!.closure = v; break;
      case "ReasonForClosure": ep!.reason = v; break;
      case "ReferralNFA": ep!.nfa = v === "1" || v.toLowerCase() === "true"; break;
      case "AssessmentActualStartDate": asmt!.start = v; break;
      case "AssessmentAuthorisationDate": asmt!.completion = v; break;
      case "AssessmentFactors": asmt!.factors.push(v); break;
      case "Assessments": ep!.assessments.push(asmt!); asmt = null; break;
      case "S47ActualStartDate": s47!.start = v; break;
      case "DateOfInitialCPC": if (parent === "Section47") s47!.icpc = v; break;
      case "ICPCnotRequired": s47!.notRequired = v === "1" || v.toLowerCase() === "true"; break;
      case "Section47": ep!.s47.push(s47!); s47 = null; break;
      case "CPPstartDate": plan!.start = v; break;
      case "CPPendDate": plan!.end = v; break;
      case "LatestCategoryOfAbuse": plan!.category = v; break;
      case "NumberOfPreviousCPP": plan!.previous = Number(v); break;
      case "ChildProtectionPlans": ep!.plans.push(plan!); plan = null; break;
      case "CINdetails": child!.episodes.push(ep!); ep = null; break;
      case "Child": out.children.push(child!); child = null; break;
    }
    text = "";
  });
  parser.write(readFileSync(path, "utf8")).close();
  return out;
}
