import {basename} from "node:path";
import {contractFor, type ExtractName} from "../contracts/extracts.js";
import {expectation, fieldSchema} from "../contracts/fields.js";
import {screenHeaders} from "../contracts/identifiers.js";
import {csvRows} from "./csv-rows.js";
import type {FileReport} from "./door.js";
import type {Issue} from "./types.js";

/**
 * `validate` for Curve's own layout (<type>_<la>_<YYYY-YY>.csv): the contract's field checks, row by
 * row. Messages say what was expected, never the value found (a misplaced identifier stays unquoted).
 */
export async function validateCurveFile(path: string, name: ExtractName, header: string[]): Promise<FileReport> {
  const contract = contractFor(name.type, name.collectionYear);
  const issues: Issue[] = [];
  const report: FileReport = {file: path, format: `curve:${name.type}`, la: name.laCode, year: name.collectionYear + 1, rows: 0, issues, readable: true};
  for (const f of screenHeaders(header.filter((h) => !contract.fields.some((c) => c.name === h)))) {
    issues.push({row: null, field: f.column, rule: "direct-identifier", fatal: true, message: `column '${f.column}': ${f.reason}; a run refuses the whole file`});
  }
  for (const f of contract.fields.filter((f) => !f.absentOk && !header.includes(f.name))) {
    issues.push({row: null, field: f.name, rule: "missing-column", fatal: true, message: `no ${f.name} column; a ${name.type} extract needs it (${f.description})`});
  }
  if (issues.some((i) => i.fatal)) return report;
  const schemas = contract.fields.map((f) => ({f, schema: fieldSchema(f)}));
  for await (const {row, values} of csvRows(path)) {
    report.rows = row;
    for (const {f, schema} of schemas) {
      if (f.absentOk && !(f.name in values)) continue;
      const raw = values[f.name] ?? "";
      if (schema.safeParse(raw).success) continue;
      const blank = raw.trim() === "";
      issues.push({row, field: f.name, rule: blank ? "missing" : "invalid", message: `${f.name} in row ${row}: ${blank ? "is required; expected" : "expected"} ${expectation(f)}`});
    }
    if (values.la_code !== undefined && values.la_code.trim() !== name.laCode) {
      issues.push({row, field: "la_code", rule: "wrong-authority", message: `la_code in row ${row} does not match the file's authority ${name.laCode}`});
    }
  }
  return {...report, file: basename(path) === path ? path : path};
}
