import {basename} from "node:path";
import {fyEndDate} from "../../../shared/calendar.js";
import {ALL_TABLES, ethnicGroup, ssda903Tables, type Ssda903Table} from "../../contracts/ssda903.js";
import {csvRows} from "../csv-rows.js";
import type {Importer, ImportItem, ReadContext} from "../importer.js";
import type {Probe} from "../sniff.js";
import {CHILD_TOKEN, type Issue, type Recognition, type SourceRecord} from "../types.js";
import {checkRow} from "./validate-row.js";

/**
 * SSDA903 (children looked after): ten CSV tables, each recognised by its DfE column set. Header and
 * Episodes together become Curve's `looked_after` extract; Missing, OC2 and OC3 (which carry the
 * child's own date of birth) become `cla_missing`, `cla_health` and `care_leavers`; the other tables
 * are read and validated against their year's specification and reported.
 */

const columnSet = (header: string[]) => new Set(header.map((h) => h.trim().toUpperCase()));

/** The table whose columns the header holds most of; at least 60% of them and CHILD. */
export function tableOf(header: string[] | null): Ssda903Table | null {
  if (!header) return null;
  const cols = columnSet(header);
  if (!cols.has("CHILD")) return null;
  let best: {table: Ssda903Table; score: number; hits: number} | null = null;
  for (const table of ALL_TABLES) {
    const hits = table.columns.filter((c) => cols.has(c.name)).length;
    const score = hits / table.columns.length;
    // Extra columns the table does not have count against it, so UASC (CHILD, DOB, SEX, DUC) does not claim a Header.
    const foreign = [...cols].filter((c) => !table.columns.some((t) => t.name === c)).length;
    const fit = score - foreign * 0.05;
    if (hits >= 3 && score >= 0.6 && (!best || fit > best.score || (fit === best.score && hits > best.hits))) best = {table, score: fit, hits};
  }
  return best?.table ?? null;
}

const returnYearOf = (isoDate: string) => {
  const [y, m] = isoDate.split("-").map(Number);
  return m >= 4 ? y + 1 : y;
};

function tableFor(recognition: Recognition): Ssda903Table {
  const name = recognition.format.split(":")[1];
  return ssda903Tables(recognition.year).find((t) => t.table === name) ?? ALL_TABLES.find((t) => t.table === name)!;
}

function missingColumns(table: Ssda903Table, header: Set<string>, year: number | null): Issue[] {
  return table.columns.filter((c) => !header.has(c.name)).map((c) => ({
    row: null, field: c.name, rule: "missing-column", fatal: c.required,
    message: `the ${table.dfeName} table has no ${c.name} column (${c.label})${c.required ? "; the DfE specification requires it, so nothing in this file can be used" : ""}${year ? ` (${year} specification)` : ""}`
  }));
}

interface HeaderFacts {
  row: number;
  sex: string | null;
  dob: string | null;
  ethnic: string | null;
  ok: boolean;
}

/** The Header table of the return as child id → the facts episodes need. Kept only for the read. */
async function readHeader(path: string, year: number | null, today: string): Promise<Map<string, HeaderFacts>> {
  const table = ssda903Tables(year).find((t) => t.table === "header")!;
  const children = new Map<string, HeaderFacts>();
  for await (const {row, values} of csvRows(path)) {
    const upper = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toUpperCase(), v]));
    const checked = checkRow(table, year, upper, row, today);
    const id = checked.values.CHILD;
    if (!id) continue;
    children.set(id, {row, sex: checked.values.SEX, dob: checked.values.DOB, ethnic: checked.values.ETHNIC, ok: checked.issues.length === 0});
  }
  return children;
}

interface Episode {
  row: number;
  child: string;
  decom: string;
  dec: string | null;
  values: Record<string, string | null>;
  blocked: boolean;
}

function* overlaps(episodes: Episode[]): Generator<Issue> {
  const byChild = new Map<string, Episode[]>();
  for (const e of episodes) byChild.set(e.child, [...(byChild.get(e.child) ?? []), e]);
  for (const list of byChild.values()) {
    list.sort((a, b) => a.decom.localeCompare(b.decom) || a.row - b.row);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const e = list[i];
      // 903 episodes follow one another: the next begins the day the last ceased, never before.
      if (prev.dec === null || e.decom < prev.dec) {
        e.blocked = true;
        yield {row: e.row, field: "DECOM", rule: "overlapping-episode",
          message: `the episode in row ${e.row} begins before the same child's episode in row ${prev.row} has ceased; one of them is wrong, so the later is held back`};
      }
    }
  }
}

async function* readTable(path: string, recognition: Recognition, ctx: ReadContext): AsyncGenerator<ImportItem> {
  const table = tableFor(recognition);
  const year = recognition.year;
  const today = ctx.asOf.toISOString().slice(0, 10);
  const file = basename(path);
  let rows = 0;
  let header: Set<string> | null = null;
  const isEpisodes = table.table === "episodes";
  const episodes: Episode[] = [];
  const headerFile = ctx.companions.find((c) => c.recognition.format === "ssda903:header");
  const children = isEpisodes && headerFile ? await readHeader(headerFile.path, year, today) : null;

  for await (const {row, values} of csvRows(path)) {
    const upper = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.trim().toUpperCase(), v]));
    if (!header) {
      header = new Set(Object.keys(upper));
      const missing = missingColumns(table, header, year);
      yield* missing;
      if (missing.some((m) => m.fatal)) {
        // Count the rows so the report says how big the unusable file was, but check none of them.
        rows = 1;
        for await (const _ of csvRows(path)) rows++;
        yield {tally: {rows: rows - 1}};
        return;
      }
    }
    rows = row;
    const checked = checkRow(table, year, upper, row, today);
    yield* checked.issues;
    if (!isEpisodes) {
      // A row with any issue is held back whole, as an Episodes row is: its other cells may be wrong too.
      const record = checked.issues.length ? null : outcomeRecord(table.table, checked.values, year, file, row);
      if (record) yield record;
      continue;
    }
    const v = checked.values;
    if (!v.CHILD || !v.DECOM) continue;
    const facts = children?.get(v.CHILD);
    let blocked = checked.issues.length > 0;
    if (children && !facts) {
      blocked = true;
      yield {row, field: "CHILD", rule: "no-header-row", message: `the child in row ${row} has no row in the Header table of the same return (needed for sex, date of birth and ethnicity)`};
    } else if (facts && !facts.ok) {
      blocked = true;
      yield {row, field: "CHILD", rule: "header-row-invalid", message: `the child in row ${row} has a Header row (row ${facts.row}) that failed validation, so this episode is held back with it`};
    }
    episodes.push({row, child: v.CHILD, decom: v.DECOM, dec: v.DEC, values: v, blocked});
  }
  if (!header) {
    yield {tally: {rows: 0}};
    return;
  }
  if (isEpisodes) {
    yield* overlaps(episodes);
    if (children) {
      for (const e of episodes) {
        if (e.blocked) continue;
        yield episodeRecord(e, children.get(e.child)!, file);
      }
    }
  }
  yield {tally: {rows}};
}

/** One Episodes row with its child's Header facts, in Curve's looked_after shape. */
function episodeRecord(e: Episode, facts: HeaderFacts, file: string): SourceRecord {
  const v = e.values;
  // 903 codes sex 1/2 in every year; the door codes it for the contract year the episode is placed in (M/F/U from 2024-25).
  return {
    type: "looked_after",
    values: {
      episode_id: `${CHILD_TOKEN}-${e.decom.replace(/-/g, "")}`,
      la_code: null, sex: facts.sex, ethnicity: facts.ethnic ? ethnicGroup(facts.ethnic) : null,
      start_date: e.decom, end_date: e.dec, legal_status: v.LS, placement: v.PLACE, reason_ceased: v.REC, rne: v.RNE
    },
    person: {childId: e.child, dob: facts.dob, homePostcode: v.HOME_POST, placementPostcode: v.PL_POST},
    origin: {file, row: e.row}
  };
}

const yesNo = (v: string | null) => (v === "1" ? "Y" : v === "0" ? "N" : null);

/** Tables with a row per child (or per missing episode) that Curve loads, and the extract each feeds. */
const OUTCOME_TABLES: Record<string, "cla_missing" | "cla_health" | "care_leavers"> = {missing: "cla_missing", oc2: "cla_health", oc3: "care_leavers"};

/**
 * One Missing, OC2 or OC3 row in Curve's shape. OC2 and OC3 describe the child in the year ending
 * 31 March of the return, so they are dated then (OC3 is recorded around the care leaver's birthday
 * in that year, which the age at 31 March identifies).
 */
function outcomeRecord(table: string, v: Record<string, string | null>, year: number | null, file: string, row: number): SourceRecord | null {
  const type = OUTCOME_TABLES[table];
  if (!type || !v.CHILD) return null;
  const yearEnd = year === null ? null : fyEndDate(year - 1);
  const person = {childId: v.CHILD, dob: v.DOB};
  const origin = {file, row};
  if (type === "cla_missing") {
    return {type, person, origin, values: {
      missing_id: `${CHILD_TOKEN}-missing-${(v.MIS_START ?? "").replace(/-/g, "")}-${v.MISSING ?? ""}`,
      missing_type: v.MISSING, start_date: v.MIS_START, end_date: v.MIS_END
    }};
  }
  if (type === "cla_health") {
    return {type, person, origin, values: {
      year_end: yearEnd, health_check: yesNo(v.HEALTH_CHECK), teeth_check: yesNo(v.TEETH_CHECK), immunisations: yesNo(v.IMMUNISATIONS),
      development_check: yesNo(v.HEALTH_ASSESSMENT), sdq_score: v.SDQ_SCORE, convicted: yesNo(v.CONVICTED), substance_misuse: yesNo(v.SUBSTANCE_MISUSE)
    }};
  }
  return {type, person, origin, values: {year_end: yearEnd, in_touch: v.IN_TOUCH, activity: v.ACTIV, accommodation: v.ACCOM}};
}

async function inferYear(path: string, recognition: Recognition): Promise<number | null> {
  const table = tableFor(recognition);
  const dates = table.columns.filter((c) => c.kind === "date" && !c.identity).map((c) => c.name);
  if (!dates.length) return null;
  let latest: string | null = null;
  const {parseDate} = await import("../../contracts/fields.js");
  for await (const {values} of csvRows(path)) {
    for (const [k, v] of Object.entries(values)) {
      if (!dates.includes(k.trim().toUpperCase())) continue;
      const d = parseDate((v ?? "").trim());
      if (d && (!latest || d > latest)) latest = d;
    }
  }
  return latest ? returnYearOf(latest) : null;
}

function importerFor(table: Ssda903Table): Importer {
  return {
    family: "ssda903",
    describe: `SSDA903 ${table.dfeName} table (CSV)`,
    recognise(probe: Probe): Recognition | null {
      if (probe.kind !== "csv") return null;
      return tableOf(probe.header)?.table === table.table ? {family: "ssda903", format: `ssda903:${table.table}`, la: null, year: null} : null;
    },
    inferYear,
    read: readTable,
    readsToday: true,
    needs: () => (table.table === "episodes" ? ["ssda903:header"] : []),
    feeds: () => (table.table === "episodes" ? ["looked_after"] : OUTCOME_TABLES[table.table] ? [OUTCOME_TABLES[table.table]] : [])
  };
}

export const SSDA903_IMPORTERS: Importer[] = ALL_TABLES.map(importerFor);
