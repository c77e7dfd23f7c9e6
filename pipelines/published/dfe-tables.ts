import {z} from "zod";
import {fyLabel} from "../../shared/calendar.js";
import {LayoutError, type Table} from "./table.js";

/**
 * DfE published LA-level tables, in the Explore Education Statistics "tidy" CSV layout every release
 * uses: time_period, time_identifier, geographic_level, country_code, region_code, new_la_code,
 * old_la_code, la_name, then filter columns and indicator columns. Which indicator column (and which
 * filter values) give which Curve benchmark is data, in data/reference/published-benchmarks.json, so
 * a release that renames a column is a one-line change there, not code.
 */

export const EES_STANDARD = [/^time_period$/, /^time_identifier$/, /^geographic_level$/, /^old_la_code$/, /^la_name$/];

export const DFE_TABLE = {id: "dfe-la-table", required: EES_STANDARD};

export const BenchmarkMapping = z.object({
  benchmark: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  unit: z.enum(["per-10000", "percent", "count", "rate"]),
  /** The indicator column holding the value. */
  value: z.string().min(1),
  /** Filter columns and the value each must have (e.g. {"characteristic": "Total"}). */
  where: z.record(z.string(), z.string()).default({}),
  description: z.string().min(1)
}).strict();
export type BenchmarkMapping = z.infer<typeof BenchmarkMapping>;
export const BenchmarkMappings = z.object({$comment: z.string().optional(), tables: z.array(BenchmarkMapping).min(1)}).strict();

export interface LaValue {
  benchmark: string;
  unit: BenchmarkMapping["unit"];
  /** Financial year "2012/13" (DfE reporting years end on 31 March). */
  period: string;
  level: "national" | "regional" | "local";
  code: string;
  name: string;
  region: string | null;
  value: number;
  source: string;
}

/** "2013" (reporting year ending 31 March 2013) or "201213" (financial year) → "2012/13". */
export function financialYear(timePeriod: string, identifier: string): string | null {
  if (/^\d{6}$/.test(timePeriod)) {
    const y = +timePeriod.slice(0, 4);
    return (y + 1) % 100 === +timePeriod.slice(4) ? fyLabel(y) : null;
  }
  if (/^\d{4}$/.test(timePeriod) && /reporting year|financial year end|academic year/i.test(identifier || "reporting year")) {
    const end = +timePeriod;
    return fyLabel(end - 1);
  }
  return null;
}

/** Values of every mapping this table carries; a table carrying none is a layout error. */
export async function readDfeTable(table: Table, mappings: BenchmarkMapping[]): Promise<LaValue[]> {
  const col = (name: string) => table.header.findIndex((h) => h.trim() === name);
  const applicable = mappings.filter((m) => col(m.value) >= 0 && Object.keys(m.where).every((c) => col(c) >= 0));
  if (!applicable.length) {
    throw new LayoutError(table.file, table.headerRow, null,
      `none of the indicator columns in published-benchmarks.json is here (looked for ${[...new Set(mappings.map((m) => m.value))].join(", ")})`);
  }
  const [tp, ti, level, oldLa, laName] = ["time_period", "time_identifier", "geographic_level", "old_la_code", "la_name"].map(col);
  const country = col("country_code");
  const region = col("region_code");
  const regionName = col("region_name");
  const out: LaValue[] = [];
  for await (const r of table.rows) {
    const lvl = (r.cells[level] ?? "").toLowerCase();
    const kind = lvl === "national" ? "national" : lvl === "regional" ? "regional" : lvl === "local authority" ? "local" : null;
    if (!kind) continue;
    const period = financialYear(r.cells[tp] ?? "", r.cells[ti] ?? "");
    if (!period) throw new LayoutError(table.file, r.row, "time_period", `expected a year such as 2013 or 201213, got '${r.cells[tp]}'`);
    for (const m of applicable) {
      if (!Object.entries(m.where).every(([c, v]) => r.cells[col(c)] === v)) continue;
      const raw = (r.cells[col(m.value)] ?? "").replace(/,/g, "");
      // DfE marks suppressed and unavailable cells with letters (c, x, z, low, ..): they are absent, not zero.
      if (!/^-?\d+(\.\d+)?$/.test(raw)) continue;
      const code = kind === "national" ? r.cells[country] ?? "E92000001" : kind === "regional" ? r.cells[region] ?? "" : r.cells[oldLa] ?? "";
      if (kind === "local" && !/^\d{3}$/.test(code)) throw new LayoutError(table.file, r.row, "old_la_code", `expected a 3-digit DfE LA number, got '${code}'`);
      out.push({
        benchmark: m.benchmark, unit: m.unit, period, level: kind, code,
        name: kind === "local" ? r.cells[laName] ?? code : kind === "regional" ? r.cells[regionName] ?? code : "England",
        region: region >= 0 ? r.cells[region] || null : null,
        value: Number(raw), source: `DfE ${table.file}: ${m.description} (published)`
      });
    }
  }
  return out;
}

/**
 * DfE's statistical neighbours (the children's services benchmarking tool): for each LA its ten
 * closest. Layout: a column "LA number" (or "LA code") and columns SN1…SN10 holding the neighbours'
 * LA numbers or names.
 */
export const STATISTICAL_NEIGHBOURS = {id: "statistical-neighbours", required: [/^(la number|la code|old_la_code)$/i, /^sn ?1$/i, /^sn ?2$/i]};

export async function readStatisticalNeighbours(table: Table): Promise<Map<string, string[]>> {
  const la = table.index(/^(la number|la code|old_la_code)$/i);
  const sn = table.header.map((h, i) => (/^sn ?\d{1,2}$/i.test(h.trim()) ? i : -1)).filter((i) => i >= 0);
  const out = new Map<string, string[]>();
  for await (const r of table.rows) {
    const code = r.cells[la] ?? "";
    if (!/^\d{3}$/.test(code)) throw new LayoutError(table.file, r.row, table.header[la], `expected a 3-digit DfE LA number, got '${code}'`);
    out.set(code, sn.map((i) => r.cells[i] ?? "").filter((v) => v !== ""));
  }
  return out;
}

export interface BenchmarkRow {indicator_id: string; period: string; comparator: "england" | "statistical-neighbours" | "region"; value: number; unit: BenchmarkMapping["unit"]; source: string}

/**
 * England, the council's region and the mean of its statistical neighbours (DfE's own SN average is
 * the simple mean of the ten), for every benchmark and year the tables hold.
 */
export function benchmarksFor(laCode: string, values: LaValue[], neighbours: Map<string, string[]> | null): BenchmarkRow[] {
  const own = values.filter((v) => v.level === "local" && v.code === laCode);
  const region = own.find((v) => v.region)?.region ?? null;
  const byName = new Map(values.filter((v) => v.level === "local").map((v) => [v.name.toLowerCase(), v.code]));
  const snCodes = (neighbours?.get(laCode) ?? []).map((s) => (/^\d{3}$/.test(s) ? s : byName.get(s.toLowerCase()) ?? s));
  const out: BenchmarkRow[] = [];
  const keys = new Set(values.map((v) => `${v.benchmark}|${v.period}`));
  for (const key of [...keys].sort()) {
    const [benchmark, period] = key.split("|");
    const here = values.filter((v) => v.benchmark === benchmark && v.period === period);
    const england = here.find((v) => v.level === "national");
    if (england) out.push({indicator_id: benchmark, period, comparator: "england", value: england.value, unit: england.unit, source: england.source});
    const reg = region ? here.find((v) => v.level === "regional" && v.code === region) : undefined;
    if (reg) out.push({indicator_id: benchmark, period, comparator: "region", value: reg.value, unit: reg.unit, source: reg.source});
    const sns = here.filter((v) => v.level === "local" && snCodes.includes(v.code));
    if (sns.length) {
      const mean = sns.reduce((s, v) => s + v.value, 0) / sns.length;
      out.push({indicator_id: benchmark, period, comparator: "statistical-neighbours", value: Math.round(mean * 10) / 10, unit: sns[0].unit,
        source: `${sns[0].source}; mean of ${sns.length} statistical neighbour(s)`});
    }
  }
  return out;
}
