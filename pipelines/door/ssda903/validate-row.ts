import {fyFileLabel} from "../../../shared/calendar.js";
import {parseDate} from "../../contracts/fields.js";
import type {Ssda903Column, Ssda903Table} from "../../contracts/ssda903.js";
import type {Issue} from "../types.js";

/**
 * Field-level checks of one 903 row against its year's table: blanks, dates, codes, future dates.
 * Messages name the column and row; a value is quoted only when it is a short code from a coded,
 * non-identifying column, so a misaligned row can never put a date of birth or postcode in a message.
 */

const SAFE_CODE = /^[A-Za-z0-9]{1,6}$/;

export function quoteCode(col: Ssda903Column, value: string): string {
  return !col.identity && col.kind === "code" && SAFE_CODE.test(value) ? `'${value}'` : "a value";
}

export interface CheckedRow {
  /** Typed values: dates as YYYY-MM-DD, everything else trimmed; blank = null. */
  values: Record<string, string | null>;
  issues: Issue[];
}

export function checkRow(table: Ssda903Table, year: number | null, raw: Record<string, string | undefined>, row: number, today: string): CheckedRow {
  const values: Record<string, string | null> = {};
  const issues: Issue[] = [];
  const yearText = year ? `the ${fyFileLabel(year - 1)} return` : "the newest return";
  for (const col of table.columns) {
    const text = (raw[col.name] ?? "").trim();
    const rule = col.dfe ?? "invalid";
    if (text === "") {
      values[col.name] = null;
      if (col.required) issues.push({row, field: col.name, rule: col.dfe ?? "missing", message: `${col.name} (${col.label}) is blank in row ${row}; the DfE specification requires it`});
      continue;
    }
    if (col.kind === "date") {
      const d = parseDate(text);
      if (!d) {
        issues.push({row, field: col.name, rule, message: `${col.name} (${col.label}) in row ${row} is not a date: expected DD/MM/YYYY`});
        values[col.name] = null;
        continue;
      }
      if (d > today) {
        issues.push({row, field: col.name, rule: "future-date", message: `${col.name} (${col.label}) in row ${row} is in the future (after ${today})${col.identity ? "" : `: ${d}`}`});
      }
      values[col.name] = d;
    } else if (col.kind === "code") {
      const code = text.toUpperCase();
      if (!col.codes!.includes(code)) {
        issues.push({row, field: col.name, rule, message: `${col.name} (${col.label}) in row ${row}: ${quoteCode(col, text)} is not a code of ${yearText} (expected one of ${col.codes!.join(", ")})`});
        values[col.name] = null;
        continue;
      }
      values[col.name] = code;
    } else if (col.kind === "int") {
      if (!/^\d{1,4}$/.test(text)) {
        issues.push({row, field: col.name, rule, message: `${col.name} (${col.label}) in row ${row} is not a whole number`});
        values[col.name] = null;
        continue;
      }
      values[col.name] = text;
    } else {
      values[col.name] = text;
    }
  }
  return {values, issues};
}
