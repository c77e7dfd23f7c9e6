import {existsSync, statSync} from "node:fs";
import {basename} from "node:path";
import {parseExtractName} from "../contracts/extracts.js";
import {validateFiles, type FileReport} from "./door.js";
import {probeFile} from "./sniff.js";
import {validateCurveFile} from "./validate-curve.js";

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
    if (!("error" in name) && probe.kind === "csv") reports.set(p, await validateCurveFile(p, name, probe.header ?? []));
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
