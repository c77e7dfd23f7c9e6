import {stat} from "node:fs/promises";
import {basename} from "node:path";
import ExcelJS from "exceljs";
import {parseDate} from "../contracts/fields.js";
import {ANNEX_A_LISTS, listOfSheet, type AnnexAList} from "../contracts/statutory/annex-a.js";
import {categoryOfAbuse, ethnicityFromLabel, leadingCode, sexMfu, yesNo} from "../contracts/statutory/codes.js";
import {concernFromNeedCode} from "./cin-concern-map.js";
import type {Importer, ImportItem} from "./importer.js";
import {withholdValues} from "./parser.js";
import type {Probe} from "./sniff.js";
import {sheetNamesFromHead} from "./xlsx-head.js";
import {CHILD_TOKEN, type Issue, type Recognition, type SourceRecord} from "./types.js";

/**
 * Ofsted's Annex A workbook, read sheet by sheet and row by row with exceljs' streaming reader.
 * Lists 3, 4, 5, 7 and 8 become Curve referrals, assessments, s47 enquiries, CP plans and looked-after
 * episodes; the rest are counted and reported as read but not mapped, with the reason. Sex is
 * given as M/F/U: the door codes it for the collection year each record is placed in.
 */

/** At least this many list sheets make a workbook an Annex A (a renamed sheet or two must still be recognised). */
const MIN_LIST_SHEETS = 3;

export function recognise(probe: Pick<Probe, "head">): Recognition | null {
  const names = sheetNamesFromHead(probe.head);
  if (!names) return null;
  const lists = new Set(names.map(listOfSheet).filter((n) => n !== null));
  if (lists.size < MIN_LIST_SHEETS) return null;
  return {family: "annex-a", format: "annex-a", la: null, year: null};
}

type Cell = ExcelJS.CellValue;

function cellText(v: Cell): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return cellText(v.richText.map((r) => r.text).join(""));
    if ("result" in v) return cellText(v.result as Cell);
    if ("text" in v) return cellText(v.text as Cell);
    if ("error" in v) return null;
    return null;
  }
  const t = String(v).trim();
  return t === "" ? null : t;
}

/** A date from a date cell, an Excel serial number, or text as DD/MM/YYYY or YYYY-MM-DD. */
function cellDate(v: Cell): {date: string | null; bad: boolean} {
  if (v === null || v === undefined || v === "") return {date: null, bad: false};
  if (v instanceof Date) return {date: v.toISOString().slice(0, 10), bad: false};
  if (typeof v === "number" && v > 1 && v < 100000) {
    // Excel's 1900 date system: serial 25569 is 1970-01-01.
    return {date: new Date(Math.round((v - 25569) * 86400000)).toISOString().slice(0, 10), bad: false};
  }
  const t = cellText(v);
  if (t === null) return {date: null, bad: false};
  const d = parseDate(t.slice(0, 10)) ?? parseDate(t);
  return {date: d, bad: d === null};
}

interface SheetPlan {
  spec: AnnexAList;
  sheet: string;
  columns: Map<string, number> | null;
}

export async function* read(path: string): AsyncGenerator<ImportItem> {
  const file = basename(path);
  const seen = new Map<number, string>();
  const notMapped: string[] = [];
  let rows = 0;
  try {
    for await (const ws of sheetsOf(path)) {
      const list = listOfSheet(ws.name);
      const spec = ANNEX_A_LISTS.find((l) => l.list === list);
      if (!spec || seen.has(spec.list)) {
        for await (const _row of ws.rows) { /* drain: the streaming reader needs each sheet consumed before the next */ }
        continue;
      }
      seen.set(spec.list, ws.name);
      const plan: SheetPlan = {spec, sheet: ws.name, columns: null};
      let headerRowsLooked = 0;
      let dataRow = 0;
      for await (const values of ws.rows) {
        if (plan.columns === null) {
          headerRowsLooked += 1;
          const found = headerColumns(spec, values);
          if (found) {
            plan.columns = found.columns;
            for (const missing of found.missing) yield missingColumn(file, plan, missing);
          } else if (headerRowsLooked >= 15) {
            plan.columns = new Map();
            yield {row: null, field: spec.columns[0].header, rule: "annex-a-no-header",
              message: `${file}: sheet '${withholdValues(plan.sheet)}' (List ${spec.list}) has no header row with a '${spec.columns[0].header}' column in its first 15 rows`};
          }
          continue;
        }
        if (values.every((v) => cellText(v) === null)) continue;
        dataRow += 1;
        rows += 1;
        if (typeof spec.mapsTo === "string" && plan.columns.size) yield* rowRecords(plan, values, dataRow, file);
      }
      if (typeof spec.mapsTo !== "string") notMapped.push(`annex-a:list-${spec.list} ${spec.title.toLowerCase()} (${dataRow} rows): ${spec.mapsTo.notMapped}`);
    }
  } catch (err) {
    yield {row: null, field: "file", rule: "xlsx-unreadable", fatal: true,
      message: `${file} could not be read as an xlsx workbook: ${withholdValues((err as Error).message)}`};
    yield {tally: {rows, readable: false, notMapped}};
    return;
  }
  for (const spec of ANNEX_A_LISTS) {
    if (seen.has(spec.list)) continue;
    yield {row: null, field: `List ${spec.list}`, rule: "annex-a-missing-sheet",
      message: `${file} has no sheet for List ${spec.list} (${spec.title}): expected a sheet named like 'List ${spec.list} - ${spec.title}' (was it renamed?)`};
  }
  yield {tally: {rows, notMapped}};
}

/** Workbooks above this size are read only by the streaming reader (the whole-file reader holds every cell). */
const WHOLE_FILE_LIMIT_BYTES = 50 * 1024 * 1024;

interface SheetRows {
  name: string;
  /** Row values, 1-based as exceljs gives them (index 0 unused). */
  rows: AsyncIterable<Cell[]>;
}

/**
 * The workbook's sheets, streamed. exceljs' streaming reader fails on workbooks whose workbook.xml
 * comes after the sheets (exceljs' own writer does this; Excel does not): then, below a size bound,
 * the whole-file reader is used instead.
 */
async function* sheetsOf(path: string): AsyncGenerator<SheetRows> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: "cache", hyperlinks: "ignore", styles: "cache", worksheets: "emit"
  });
  let yielded = false;
  try {
    for await (const sheet of reader) {
      yielded = true;
      const ws = sheet as unknown as AsyncIterable<ExcelJS.Row> & {name: string};
      yield {name: ws.name, rows: (async function* () { for await (const row of ws) yield (row.values as Cell[]) ?? []; })()};
    }
    return;
  } catch (err) {
    if (yielded || (await stat(path)).size > WHOLE_FILE_LIMIT_BYTES) throw err;
  }
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  for (const ws of wb.worksheets) {
    const rows: Cell[][] = [];
    ws.eachRow((row) => { rows.push((row.values as Cell[]) ?? []); });
    yield {name: ws.name, rows: (async function* () { yield* rows; })()};
  }
}

function headerColumns(spec: AnnexAList, values: Cell[]): {columns: Map<string, number>; missing: string[]} | null {
  const headers = values.map((v) => cellText(v) ?? "");
  const key = spec.columns[0];
  if (!headers.some((h) => key.pattern.test(h))) return null;
  const columns = new Map<string, number>();
  const missing: string[] = [];
  for (const c of spec.columns) {
    const at = headers.findIndex((h, i) => i > 0 && c.pattern.test(h) && ![...columns.values()].includes(i));
    if (at > 0) columns.set(c.key, at);
    else if (c.required) missing.push(c.header);
  }
  return {columns, missing};
}

function missingColumn(file: string, plan: SheetPlan, header: string): Issue {
  return {row: null, field: header, rule: "annex-a-missing-column",
    message: `${file}: sheet '${withholdValues(plan.sheet)}' (List ${plan.spec.list}) has no '${header}' column`};
}

function* rowRecords(plan: SheetPlan, values: Cell[], row: number, file: string): Generator<ImportItem> {
  const cols = plan.columns!;
  const raw = (key: string): Cell => (cols.has(key) ? values[cols.get(key)!] : null);
  const text = (key: string) => cellText(raw(key));
  const issues: Issue[] = [];
  const date = (key: string): string | null => {
    const {date: d, bad} = cellDate(raw(key));
    if (bad) {
      const header = plan.spec.columns.find((c) => c.key === key)!.header;
      issues.push({row, field: header, rule: "annex-a-invalid-date",
        message: `List ${plan.spec.list} row ${row}: '${header}' is not a date (expected DD/MM/YYYY)`});
    }
    return d;
  };
  const childId = text("childId");
  if (childId === null) {
    issues.push({row, field: "Child Unique ID", rule: "annex-a-child-id-missing", message: `List ${plan.spec.list} row ${row}: Child Unique ID is missing`});
  }
  const characteristics = {sex: sexMfu(text("gender")), ethnicity: ethnicityFromLabel(text("ethnicity"))};
  const person = {childId, dob: date("dob")};
  const origin = {file, row};
  const record = (type: SourceRecord["type"], v: Record<string, string | null>): SourceRecord => ({type, values: v, person, origin});
  // Annex A rows have no ids of their own: the child (CHILD_TOKEN, keyed by the door) and the event's date stand for one.
  const id = (what: string, d: string | null) => `${CHILD_TOKEN}/${what}${d ?? `row-${row}`}`;

  switch (plan.spec.mapsTo) {
    case "referrals": {
      const referralDate = date("referralDate");
      const nfa = yesNo(text("nfa"));
      yield record("referrals", {
        referral_id: id("", referralDate), referral_date: referralDate,
        source: leadingCode(text("source"), /^(\d{1,2}[A-F]?)\b/),
        // List 3 carries no need code: like a CIN census referral without one, it is "not stated" (N0).
        primary_concern: concernFromNeedCode(null),
        outcome: nfa === true ? "nfa" : nfa === false ? "single_assessment" : null,
        ...characteristics
      });
      break;
    }
    case "assessments": {
      const start = date("start");
      yield record("assessments", {
        assessment_id: id("assessment/", start), referral_id: null, assessment_type: "single",
        start_date: start, completion_date: date("completed"), factors: null
      });
      break;
    }
    case "s47": {
      const start = date("start");
      const icpc = date("icpcDate");
      const plan = yesNo(text("plan"));
      const unnecessary = yesNo(text("icpcUnnecessary"));
      const outcome = plan === true ? "plan" : icpc !== null || plan === false || unnecessary === true ? "no_plan" : "pending";
      yield record("s47", {enquiry_id: id("s47/", start), start_date: start, icpc_date: icpc, outcome});
      break;
    }
    case "cp_plans": {
      const start = date("start");
      const previous = text("previous");
      yield record("cp_plans", {
        plan_id: id("plan/", start), start_date: start, end_date: date("end"),
        category: categoryOfAbuse(text("category")),
        plan_sequence: previous !== null && /^\d+$/.test(previous) ? String(Number(previous) + 1) : null,
        factors: null, ...characteristics
      });
      break;
    }
    case "looked_after": {
      const start = date("start");
      const postcode = text("placementPostcode");
      yield {type: "looked_after", person: {...person, placementPostcode: postcode}, origin, values: {
        episode_id: id("episode/", start), start_date: start, end_date: date("end"),
        legal_status: leadingCode(text("legalStatus"), /^([A-Z]\d)\b/),
        placement: leadingCode(text("placement"), /^([A-Z]\d)\b/),
        reason_ceased: leadingCode(text("reasonCeased"), /^(E\d{1,2}[AB]?|X1)\b/),
        ...characteristics
      }};
      break;
    }
  }
  yield* issues;
}

export const annexAImporter: Importer = {
  family: "annex-a",
  describe: "Ofsted Annex A workbook (xlsx): lists 3, 4, 5, 7 and 8 become referrals, assessments, s47, CP plans and looked-after episodes",
  recognise: (probe) => (probe.kind === "xlsx" ? recognise(probe) : null),
  read: (path) => read(path),
  feeds: () => ["referrals", "assessments", "s47", "cp_plans", "looked_after"],
  // A list covers the months before an inspection, not a financial year: each row goes to its own date's year.
  datedByRecord: true
};
