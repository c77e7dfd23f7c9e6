import {createReadStream} from "node:fs";
import {basename} from "node:path";
import {SaxesParser} from "saxes";
import {parseDate} from "../contracts/fields.js";
import {categoryOfAbuse, ethnicityGroup, yesNo} from "../contracts/statutory/codes.js";
import {CIN_RULES, PRIMARY_NEED_CODES, cinCensusYear} from "../contracts/statutory/cin-census.js";
import {assessmentType, concernFromNeedCode, planFactors, referralOutcome, s47Outcome} from "./cin-concern-map.js";
import type {Importer, ImportItem} from "./importer.js";
import {withholdValues} from "./parser.js";
import type {Probe} from "./sniff.js";
import {CHILD_TOKEN, type Issue, type Person, type Recognition, type SourceRecord} from "./types.js";

/**
 * CIN census XML (Message/Header, Children/Child) streamed with saxes: one <Child> at a time is held
 * as a small tree, turned into Curve referrals, assessments, s47 enquiries and CP plans, then dropped.
 *
 * Ids: the census has no referral, assessment, enquiry or plan ids, so each is built from the child
 * and the event's date (stable across returns and years: the same open referral appears in next
 * year's census with the same id). The child stands as CHILD_TOKEN, which the door replaces with the
 * child's key: the LAchildID itself never leaves the parser except in `person`.
 */

interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}
function each(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}
function text(node: XmlNode | undefined, name: string): string | null {
  const c = node && child(node, name);
  const t = c?.text.trim();
  return t ? t : null;
}

// ---------- recognition ----------

export function recognise(probe: Pick<Probe, "head">): Recognition | null {
  const head = probe.head.toString("utf8").replace(/^\uFEFF/, "");
  // The root is <Message> (the DfE schema); CINdetails, Children/Child or <Collection>CIN identify the census.
  if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<Message[\s>]/.test(head)) return null;
  if (!/<Collection>\s*CIN\s*<\/Collection>|<CINdetails[\s>]|<Children[\s>]/.test(head)) return null;
  const la = /<LEA>\s*(\d{3})\s*<\/LEA>/.exec(head)?.[1] ?? null;
  return {family: "cin-census", format: "cin-census", la, year: returnYear(head)};
}

/** The return year (ending 31 March) from the header: Collection Year, else ReferenceDate. */
function returnYear(header: string): number | null {
  const year = /<Year>\s*(\d{4})\s*<\/Year>/.exec(header)?.[1];
  if (year) return Number(year);
  const ref = /<ReferenceDate>\s*(\d{4})-(\d{2})-(\d{2})\s*<\/ReferenceDate>/.exec(header);
  if (!ref) return null;
  return Number(ref[2]) <= 3 ? Number(ref[1]) : Number(ref[1]) + 1;
}

// ---------- parsing ----------

const HEADER_FIELDS = new Set(["LEA", "Year", "ReferenceDate"]);

export async function* read(path: string, recognition: Recognition): AsyncGenerator<ImportItem> {
  const file = basename(path);
  const parser = new SaxesParser({position: true});
  const done: XmlNode[] = [];
  const stack: XmlNode[] = [];
  const header: Record<string, string> = {};
  let headerField: string | null = null;
  let failure: Error | null = null;
  let inChild = false;

  parser.on("error", (err) => { failure ??= err; });
  parser.on("opentag", (tag) => {
    if (failure) return;
    if (tag.name === "Child") inChild = true;
    if (inChild) {
      const node: XmlNode = {name: tag.name, text: "", children: []};
      stack.at(-1)?.children.push(node);
      stack.push(node);
    } else if (HEADER_FIELDS.has(tag.name)) {
      headerField = tag.name;
      header[tag.name] = "";
    }
  });
  parser.on("text", (t) => {
    if (failure) return;
    if (inChild) {
      const node = stack.at(-1);
      if (node) node.text += t;
    } else if (headerField) header[headerField] += t;
  });
  parser.on("closetag", (tag) => {
    if (failure) return;
    if (inChild) {
      const node = stack.pop();
      if (tag.name === "Child" && node) {
        inChild = false;
        done.push(node);
      }
    } else headerField = null;
  });

  const state: ChildState = {seen: new Set(), ordinal: 0, rows: 0, year: recognition.year};
  const stream = createReadStream(path, {encoding: "utf8", highWaterMark: 256 * 1024});
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      parser.write(first ? chunk.replace(/^\uFEFF/, "") : chunk);
      first = false;
      if (state.year === null && (header.Year || header.ReferenceDate)) {
        state.year = returnYear(`<Year>${header.Year ?? ""}</Year><ReferenceDate>${header.ReferenceDate ?? ""}</ReferenceDate>`);
      }
      yield* drain(done, state, file);
      if (failure) break;
    }
    if (!failure) parser.close();
  } catch (err) {
    failure ??= err as Error;
  } finally {
    stream.destroy();
  }
  if (!failure) yield* drain(done, state, file);
  if (failure) {
    yield notWellFormed(file, parser, failure);
    yield {tally: {rows: state.rows, children: state.ordinal, readable: false}};
    return;
  }
  if (state.ordinal === 0) {
    yield {row: null, field: "Children", rule: "cin-no-children", fatal: true, message: `${file} has no <Child> elements: a CIN census lists at least one child`};
  }
  yield {tally: {rows: state.rows, children: state.ordinal}};
}

/** A file-level error naming the file and where parsing stopped; the parser's words never quote data. */
function notWellFormed(file: string, parser: SaxesParser, err: Error): Issue {
  const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
  const [line, column, reason] = m ? [m[1], m[2], m[3]] : [String(parser.line), String(parser.column), err.message];
  const truncated = /unexpected end|unclosed tag/i.test(reason);
  return {
    row: null, field: "file", rule: truncated ? "xml-truncated" : "xml-not-well-formed", fatal: true,
    message: `${file} is not well-formed XML${truncated ? " (the file ends early: is it truncated?)" : ""}: parsing failed at line ${line}, column ${column}: ${withholdValues(reason)}`
  };
}

interface ChildState {
  seen: Set<string>;
  ordinal: number;
  rows: number;
  year: number | null;
}

function* drain(done: XmlNode[], state: ChildState, file: string): Generator<ImportItem> {
  while (done.length) {
    const node = done.shift()!;
    state.ordinal += 1;
    yield* childRecords(node, state, file);
  }
}

function isoDate(value: string | null): string | null {
  return value === null ? null : parseDate(value);
}

function* childRecords(node: XmlNode, state: ChildState, file: string): Generator<ImportItem> {
  const row = state.ordinal;
  const origin = {file, row};
  const issue = (r: {rule: string; field: string; message: string}, field: string = r.field): Issue =>
    ({row, field, rule: r.rule, message: `child ${row}: ${r.message}`});
  const invalidDate = (field: string): Issue =>
    ({row, field, rule: "cin-invalid-date", message: `child ${row}: ${field} is not a date (expected YYYY-MM-DD)`});
  const date = (parent: XmlNode | undefined, name: string): string | null => {
    const raw = text(parent, name);
    const iso = isoDate(raw);
    if (raw !== null && iso === null) pending.push(invalidDate(name));
    return iso;
  };
  const pending: Issue[] = [];

  const ids = child(node, "ChildIdentifiers");
  const characteristics = child(node, "ChildCharacteristics");
  const childId = text(ids, "LAchildID");
  if (childId === null) yield issue(CIN_RULES.childIdMissing);
  else if (state.seen.has(childId)) yield issue(CIN_RULES.childIdRepeated);
  else state.seen.add(childId);

  const born = date(ids, "PersonBirthDate");
  const expected = date(ids, "ExpectedPersonBirthDate");
  if ((born === null) === (expected === null)) yield issue(CIN_RULES.birthDate);
  const schema = cinCensusYear(state.year);
  const sex = text(ids, "Sex") ?? text(ids, "GenderCurrent");
  if (sex === null) yield issue(CIN_RULES.sexMissing, schema.sexElement);
  const ethnicityCode = text(characteristics, "Ethnicity");
  if (ethnicityCode === null) yield issue(CIN_RULES.ethnicity);
  const person: Person = {childId, dob: born ?? expected};
  const characteristicsValues = {sex, ethnicity: ethnicityGroup(ethnicityCode)};

  const referralIds = new Map<string, number>();
  for (const episode of each(node, "CINdetails")) {
    state.rows += 1;
    const referralDate = date(episode, "CINreferralDate");
    if (referralDate === null) yield issue(CIN_RULES.referralDate);
    const source = text(episode, "ReferralSource");
    if (source === null) yield issue(CIN_RULES.referralSourceMissing);
    const nfaText = text(episode, "ReferralNFA");
    const nfa = nfaText !== null && schema.yesNo.includes(nfaText) ? yesNo(nfaText) : null;
    if (nfa === null) yield issue(CIN_RULES.referralNfa);
    const need = text(episode, "PrimaryNeedCode");
    if (need === null && nfa === false) yield issue(CIN_RULES.needMissing);
    if (need !== null && !PRIMARY_NEED_CODES.includes(need.toUpperCase())) yield issue(CIN_RULES.needInvalid);
    const closure = date(episode, "CINclosureDate");
    if (text(episode, "ReasonForClosure") !== null && closure === null) yield issue(CIN_RULES.closureReasonWithoutDate);

    // Two referrals of one child on one day are rare but legal: number the second so ids stay unique.
    const base = `${CHILD_TOKEN}/${referralDate ?? `episode-${state.rows}`}`;
    const seenBase = (referralIds.get(base) ?? 0) + 1;
    referralIds.set(base, seenBase);
    const referralId = seenBase === 1 ? base : `${base}/${seenBase}`;

    const assessments: {start: string | null; completed: string | null; factors: string[]}[] = [];
    for (const a of each(episode, "Assessments")) {
      const start = date(a, "AssessmentActualStartDate");
      const completed = date(a, "AssessmentAuthorisationDate");
      if (text(a, "AssessmentActualStartDate") === null) yield issue(CIN_RULES.assessmentStartMissing);
      if (start !== null && completed !== null && start > completed) yield issue(CIN_RULES.assessmentDates);
      const factors = each(child(a, "FactorsIdentifiedAtAssessment"), "AssessmentFactors").map((f) => f.text.trim()).filter(Boolean);
      assessments.push({start, completed, factors});
    }
    const firstStart = assessments.map((a) => a.start).filter((d): d is string => d !== null).sort()[0];
    for (const [i, a] of assessments.entries()) {
      yield record("assessments", {
        assessment_id: `${referralId}/assessment/${a.start ?? i + 1}`, referral_id: referralId,
        assessment_type: assessmentType(referralDate, a.start === firstStart ? 0 : 1),
        start_date: a.start, completion_date: a.completed, factors: a.factors.length ? a.factors.join(";") : null
      });
    }

    yield record("referrals", {
      referral_id: referralId, referral_date: referralDate, source,
      primary_concern: concernFromNeedCode(need),
      outcome: nfa === null ? null : referralOutcome(nfa, referralDate),
      ...characteristicsValues
    });

    yield record("cin_episodes", {
      episode_id: referralId, referral_date: referralDate, closure_date: closure,
      primary_need: need === null ? null : need.toUpperCase(), closure_reason: text(episode, "ReasonForClosure"),
      referral_nfa: nfa === null ? null : nfa ? "Y" : "N",
      ...characteristicsValues
    });

    const plans = each(episode, "ChildProtectionPlans");
    const planStarts = new Set(plans.map((p) => isoDate(text(p, "CPPstartDate"))).filter((d): d is string => d !== null));
    let s47Count = 0;
    for (const s of each(episode, "Section47")) {
      s47Count += 1;
      const start = date(s, "S47ActualStartDate");
      const icpc = date(s, "DateOfInitialCPC");
      if (start === null || (icpc !== null && start > icpc)) yield issue(CIN_RULES.s47Start);
      const notRequired = yesNo(text(s, "ICPCnotRequired"));
      // An ICPC held results in a plan when a CP plan in the same episode starts that day (DfE rule 2883's pairing).
      const outcome = s47Outcome({icpcDate: icpc, icpcNotRequired: notRequired === true}, planStarts);
      yield record("s47", {enquiry_id: `${referralId}/s47/${start ?? s47Count}`, start_date: start, icpc_date: icpc, outcome});
    }

    for (const p of plans) {
      const start = date(p, "CPPstartDate");
      if (text(p, "CPPstartDate") === null) yield issue(CIN_RULES.planStartMissing);
      const initial = text(p, "InitialCategoryOfAbuse");
      if (initial === null || !["NEG", "PHY", "SAB", "EMO", "MUL"].includes(initial)) yield issue(CIN_RULES.initialCategory);
      const previousText = text(p, "NumberOfPreviousCPP");
      const previous = previousText !== null && /^\d+$/.test(previousText) ? Number(previousText) : null;
      if (previous === null) yield issue(CIN_RULES.previousPlans);
      const factors = planFactors(assessments, start);
      const planId = `${CHILD_TOKEN}/plan/${start ?? referralId}`;
      for (const review of each(child(p, "Reviews"), "CPPreviewDate")) {
        const reviewDate = isoDate(review.text.trim() || null);
        if (reviewDate === null) {
          pending.push(invalidDate("CPPreviewDate"));
          continue;
        }
        yield record("cp_reviews", {review_id: `${planId}/review/${reviewDate}`, plan_id: planId, review_date: reviewDate});
      }
      yield record("cp_plans", {
        plan_id: planId, start_date: start, end_date: date(p, "CPPendDate"),
        category: categoryOfAbuse(initial), plan_sequence: previous === null ? null : String(previous + 1),
        factors: factors.length ? factors.join(";") : null,
        ...characteristicsValues
      });
    }
  }
  yield* pending;

  function record(type: SourceRecord["type"], values: Record<string, string | null>): SourceRecord {
    return {type, values, person, origin};
  }
}

export const cinCensusImporter: Importer = {
  family: "cin-census",
  describe: "CIN census (XML): CIN episodes, referrals, assessments, section 47 enquiries, child protection plans and their reviews",
  recognise: (probe) => (probe.kind === "xml" ? recognise(probe) : null),
  read,
  feeds: () => ["cin_episodes", "referrals", "assessments", "s47", "cp_plans", "cp_reviews"]
};
