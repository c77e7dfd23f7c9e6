/**
 * Tiny CSV reader for the reference vectors in test/fixtures/vectors.
 * The files are simple, but some fields (PCT names, TestDescription, funnel "statistic")
 * are double-quoted because they contain commas, so quoted fields and "" escapes are
 * handled. Every row must have as many fields as the header.
 */
import {readFileSync} from "node:fs";
import {expect} from "vitest";

const VECTORS = new URL("../../fixtures/vectors/", import.meta.url);

/** Parses CSV text into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (ch !== "\r") field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reads a vector file (path relative to test/fixtures/vectors) as header-keyed records. */
export function readCsv(relativePath: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(new URL(relativePath, VECTORS), "utf8"));
  return body.map((fields, i) => {
    if (fields.length !== header.length) {
      throw new Error(`${relativePath} row ${i + 2}: ${fields.length} fields, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, k) => [h, fields[k]]));
  });
}

/** Reads a JSON vector file. */
export function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, VECTORS), "utf8")) as T;
}

/** A numeric field, or null when the cell is empty or "NA". */
export function num(s: string | undefined): number | null {
  if (s === undefined || s === "" || s === "NA") return null;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`not a number: ${s}`);
  return v;
}

/** A numeric field that must be present. */
export function req(s: string | undefined): number {
  const v = num(s);
  if (v === null) throw new Error("expected a number, got an empty cell");
  return v;
}

/** |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0). */
export function relClose(actual: number | null | undefined, expected: number, rel: number): boolean {
  if (actual === null || actual === undefined || !Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), expected === 0 ? 1 : 0);
}

/** Asserts |actual − expected| ≤ rel·|expected| with a message naming the case. */
export function expectClose(actual: number | null | undefined, expected: number, rel: number, label: string): void {
  expect(actual, `${label}: got ${String(actual)}, expected ${expected}`).toSatisfy(
    (a: number | null | undefined) => relClose(a, expected, rel)
  );
}
