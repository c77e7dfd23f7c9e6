import {Hono} from "hono";
import {csvParse} from "d3";
import {describe, expect, it} from "vitest";
import {csvResponse} from "../../api/csv.js";
import {neutraliseCsvCell} from "../../dashboards/components/csv-cell.js";
// export.js is browser JavaScript without type declarations; only its pure CSV writer is used here.
// @ts-expect-error no declaration file for a dashboard component
import {toCsv as untypedToCsv} from "../../dashboards/components/export.js";

const toCsv = untypedToCsv as (rows: Record<string, unknown>[]) => string;

/** Cells a spreadsheet would run as a formula (OWASP CSV injection), as they might arrive in a ward name, a narrative or an annotation. */
const HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"];

const apiCsv = async (rows: Record<string, unknown>[]) => {
  const app = new Hono().get("/", (c) => csvResponse(c, rows, "t"));
  return (await app.request("/")).text();
};

describe("CSV formula injection (one rule for every CSV writer)", () => {
  it("prefixes an apostrophe to a text cell starting with = + - @, tab or CR, and leaves numbers, dates and GSS symbols alone", () => {
    for (const v of HOSTILE) expect(neutraliseCsvCell(v)).toBe(`'${v}`);
    for (const v of [12, -3, "-3", "-0.25", "+4", "1e-5", "c", "u", "x", "z", "Biscot", "2012/13", null, undefined]) expect(neutraliseCsvCell(v)).toBe(v);
  });

  it("writes no cell a spreadsheet would run in an API format=csv answer, and keeps negative numbers numeric", async () => {
    const text = await apiCsv(HOSTILE.map((name, i) => ({ward: name, change: -i, note: {text: name}})));
    const parsed = csvParse(text);
    expect(parsed.map((r) => r.ward)).toEqual(HOSTILE.map((v) => `'${v}`));
    expect(parsed.every((r) => !/^[=+\-@\t\r]/.test(r.ward as string))).toBe(true);
    expect(parsed.map((r) => r.change)).toEqual(["0", "-1", "-2", "-3", "-4", "-5"]);
    expect(await apiCsv([{"=cmd": 1}])).toMatch(/^'=cmd\n1\n?$/);
  });

  it("writes no cell a spreadsheet would run in a dashboard CSV download", () => {
    const parsed = csvParse(toCsv(HOSTILE.map((name) => ({ward: name, rate: -1.5}))));
    expect(parsed.map((r) => r.ward)).toEqual(HOSTILE.map((v) => `'${v}`));
    expect(parsed.every((r) => r.rate === "-1.5")).toBe(true);
    expect(toCsv([{"@col": "c"}]).split("\r\n")[0]).toBe("'@col");
  });
});
