import type {Context} from "hono";
import {csvFormat} from "d3";
import {neutraliseCsvCell} from "../dashboards/components/csv-cell.js";

/** Tables are JSON by default and CSV on request (`?format=csv` or `Accept: text/csv`). */
export function wantsCsv(c: Context): boolean {
  return c.req.query("format") === "csv" || (c.req.header("accept") ?? "").startsWith("text/csv");
}

export function csvResponse(c: Context, rows: Record<string, unknown>[], filename: string) {
  // Every cell, and every column name, through the one formula-injection rule the dashboards use too.
  const flat = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [neutraliseCsvCell(k), neutraliseCsvCell(v !== null && typeof v === "object" ? JSON.stringify(v) : v)])));
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${filename}.csv"`);
  return c.body(csvFormat(flat as never[]));
}
