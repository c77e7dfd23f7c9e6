/**
 * Turns the records of a calibrated authority into extract files: one per type per financial
 * year, rows in date order, ids numbered in that order across all years (so asking for fewer
 * years never renumbers a record).
 */
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {fyOf, isoDay, isoMonth, type Day} from "./calendar.js";
import {sexCode} from "./codes.js";
import {csvLine} from "./csv.js";
import {EXTRACT_COLUMNS, extractFileName, formatId, type ExtractType, type Row} from "./extracts.js";
import type {ChildKeyer} from "./keys.js";
import {FIRST_FY, type Child} from "./model.js";

export interface ExtractSpec<T> {
  type: ExtractType;
  records: readonly T[];
  day: (record: T) => Day;
  /** `fy` is the collection year of the file the row lands in (it decides the sex coding). */
  row: (record: T, id: string, fy: number) => Row;
}

export interface WrittenFile {
  path: string;
  type: ExtractType;
  laCode: string;
  fy: number;
  rows: number;
}

/** The child's cells as written; children are final by now, so key and month are worked out once. */
export function childCells(keyer: ChildKeyer, laCode: string, child: Child) {
  return {
    key: (child.key ??= keyer.uniqueKey(laCode, `c${child.serial}`)),
    birthMonth: (child.birthMonthIso ??= isoMonth(child.birthMonth)),
    sex: (fy: number) => sexCode(child.sex, fy),
    ethnicity: child.ethnicity,
    ward: child.ward.id
  };
}

export function writeExtract<T>(spec: ExtractSpec<T>, laCode: string, years: readonly number[], outDir: string): WrittenFile[] {
  // Records already open when the window starts travel in the first year's file.
  const fileYear = (r: T) => Math.max(FIRST_FY, fyOf(spec.day(r)));
  const ordered = spec.records.map((r, i) => ({r, i})).sort((a, b) => spec.day(a.r) - spec.day(b.r) || a.i - b.i);
  const byYear = new Map<number, string[]>();
  ordered.forEach(({r}, n) => {
    const fy = fileYear(r);
    const row = spec.row(r, formatId(spec.type, laCode, n + 1), fy);
    if (!years.includes(fy)) return;
    if (!byYear.has(fy)) byYear.set(fy, []);
    byYear.get(fy)!.push(csvLine(row));
  });
  const header = csvLine([...EXTRACT_COLUMNS[spec.type]]);
  return [...years].sort().map((fy) => {
    const lines = byYear.get(fy) ?? [];
    const path = join(outDir, extractFileName(spec.type, laCode, fy));
    writeFileSync(path, header + lines.join(""));
    return {path, type: spec.type, laCode, fy, rows: lines.length};
  });
}

export const iso = (day: Day | null) => (day === null ? null : isoDay(day));
