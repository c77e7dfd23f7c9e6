import {existsSync, statSync} from "node:fs";
import {basename} from "node:path";
import {parseExtractName} from "../contracts/extracts.js";
import {validateFiles, type FileReport} from "./door.js";
import {probeFile} from "./sniff.js";
import {validateCurveFile} from "./validate-curve.js";
import {csvRows} from "./csv-rows.js";
import {isLookupHeader, parsePostcode} from "./postcodes.js";

/** A postcode → ward lookup: every row needs a full postcode, a 3-digit authority and a ward id. */
async function validateLookup(path: string): Promise<FileReport> {
  const report: FileReport = {file: path, format: "postcode-lookup", la: null, year: null, rows: 0, issues: [], readable: true};
  const las = new Set<string>();
  for await (const {row, values} of csvRows(path)) {
    report.rows = row;
    const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k.toLowerCase(), (x ?? "").trim()]));
    if (!parsePostcode(v.postcode)?.full) report.issues.push({row, field: "postcode", rule: "invalid", message: `postcode in row ${row} is not a full UK postcode`});
    if (!/^\d{3}$/.test(v.la_code ?? "")) report.issues.push({row, field: "la_code", rule: "invalid", message: `la_code in row ${row}: expected a 3-digit DfE LA number`});
    else las.add(v.la_code);
    if (!v.ward_id) report.issues.push({row, field: "ward_id", rule: "missing", message: `ward_id in row ${row} is blank`});
  }
  if (las.size === 1) report.la = [...las][0];
  return report;
}

/**
 * `npm run pipeline -- validate [--json] FILE...`: what a performance officer runs before sending a
 * return. Reads and checks; never writes to the warehouse, never needs the child key. Exit 0 when
 * every file could be read (issues or not), 2 when any could not be read at all.
 */

export async function validateCommand(paths: string[], options: {defaultLa?: string | null; asOf?: Date} = {}): Promise<FileReport[]> {
  const reports = new Map<string, FileReport>();
  const statutory: string[] = [];
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isFile()) {
      reports.set(p, {file: p, format: null, la: null, year: null, rows: 0, readable: false,
        issues: [{row: null, field: "(file)", rule: "not-found", message: "no such file"}]});
      continue;
    }
    const name = parseExtractName(basename(p));
    const probe = await probeFile(p);
    if (probe.kind === "csv" && isLookupHeader(probe.header)) reports.set(p, await validateLookup(p));
    else if (!("error" in name) && probe.kind === "csv") reports.set(p, await validateCurveFile(p, name, probe.header ?? []));
    else statutory.push(p);
  }
  for (const r of await validateFiles(statutory, {defaultLa: options.defaultLa, asOf: options.asOf})) reports.set(r.file, r);
  return paths.map((p) => reports.get(p)!);
}

/** The JSON answer: exactly the documented fields. */
export function publicReport(r: FileReport) {
  return {
    file: r.file, format: r.format, la: r.la, year: r.year, rows: r.rows,
    ...(r.children !== undefined ? {children: r.children} : {}),
    issues: r.issues.map(({row, field, rule, message}) => ({row, field, rule, message}))
  };
}

export function printReport(r: FileReport, write: (s: string) => void): void {
  const head = `${r.file}: ${r.format ?? "unrecognised"}${r.la ? `, authority ${r.la}` : ""}${r.year ? `, return year ending March ${r.year}` : ""}, ${r.rows} rows${r.children !== undefined ? `, ${r.children} children` : ""}`;
  write(`${head}${r.readable ? "" : " — COULD NOT BE READ"}\n`);
  if (!r.issues.length) write("  no issues\n");
  const shown = r.issues.slice(0, 50);
  for (const i of shown) write(`  ${i.row === null ? "file" : `row ${i.row}`}  ${i.field}  [${i.rule}]  ${i.message}\n`);
  if (r.issues.length > shown.length) write(`  ... and ${r.issues.length - shown.length} more (use --json for all)\n`);
}

export const exitCodeOf = (reports: FileReport[]) => (reports.every((r) => r.readable) ? 0 : 2);
