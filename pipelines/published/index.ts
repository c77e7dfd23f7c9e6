import {existsSync, readdirSync, readFileSync, statSync} from "node:fs";
import {join} from "node:path";
import type {ReferenceData} from "../reference.js";
import {BenchmarkMappings, benchmarksFor, DFE_TABLE, readDfeTable, readStatisticalNeighbours, STATISTICAL_NEIGHBOURS, type LaValue} from "./dfe-tables.js";
import {IOD_FILE_7, LSOA_WARD_LOOKUP, readIodFile7, readLsoaWardLookup} from "./deprivation.js";
import {ONS_POPULATION, readOnsPopulation} from "./ons-population.js";
import {LayoutError, openTable, type Table, type TableOptions} from "./table.js";
import {readWardCodeLookup, WARD_CODE_LOOKUP, type WardCode} from "./ward-codes.js";
import {wardMatcher} from "./wards.js";

/**
 * Published reference tables a council drops into data/reference/published/ (ONS ward populations,
 * the Indices of Deprivation with an LSOA→ward lookup, ONS ward code lookups, DfE LA tables and the
 * statistical-neighbour list), recognised by their columns, replacing the generated reference data
 * for what they cover. A file that does not match its layout is refused with the file, row and
 * column named, and what it would have replaced keeps serving.
 */

export type PublishedTable = "population" | "deprivation" | "benchmarks" | "ward_codes";

export interface PublishedOutcome {
  file: string;
  layout: string | null;
  outcome: "applied" | "refused";
  /** The reference table it feeds (kept from the previous version when refused). */
  table: PublishedTable | null;
  message: string;
}

export interface PublishedReference {
  reference: ReferenceData;
  wardCodes: WardCode[];
  outcomes: PublishedOutcome[];
  /** Tables whose published source was refused this run: the previous version's copy keeps serving. */
  keepPrevious: Set<PublishedTable>;
}

interface Layout extends TableOptions {id: string; table: PublishedTable}
// Most specific first: an LSOA→ward lookup also has the ward-lookup columns.
const LAYOUTS: Layout[] = [
  {...LSOA_WARD_LOOKUP, table: "deprivation"},
  {...IOD_FILE_7, table: "deprivation"},
  {...ONS_POPULATION, table: "population"},
  {...STATISTICAL_NEIGHBOURS, table: "benchmarks"},
  {...DFE_TABLE, table: "benchmarks"},
  {...WARD_CODE_LOOKUP, table: "ward_codes"}
];

async function recognise(path: string): Promise<{layout: Layout; table: Table} | null> {
  for (const layout of LAYOUTS) {
    try {
      return {layout, table: await openTable(path, layout)};
    } catch (e) {
      if (!(e instanceof LayoutError)) throw e;
    }
  }
  return null;
}

export function publishedFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith(".") && !/readme/i.test(f) && statSync(join(dir, f)).isFile()).sort() : [];
}

export async function applyPublishedReference(base: ReferenceData, dir: string, mappingsPath: string): Promise<PublishedReference> {
  const outcomes: PublishedOutcome[] = [];
  const keepPrevious = new Set<PublishedTable>();
  const ref: ReferenceData = {...base};
  const laCode = base.targetWards.la_code;
  const refuse = (file: string, layout: Layout | null, message: string) => {
    outcomes.push({file, layout: layout?.id ?? null, outcome: "refused", table: layout?.table ?? null, message});
    if (layout) keepPrevious.add(layout.table);
  };
  const found: {file: string; layout: Layout; table: Table}[] = [];
  for (const file of publishedFiles(dir)) {
    try {
      const r = await recognise(join(dir, file));
      if (r) found.push({file, ...r});
      else refuse(file, null, `${file}: not a published layout Curve reads (ONS ward population, IoD File 7, LSOA→ward lookup, ONS ward lookup, DfE Explore Education Statistics table, statistical neighbours)`);
    } catch (e) {
      refuse(file, null, `${file}: could not be read: ${(e as Error).message}`);
    }
  }
  const of = (id: string) => found.filter((f) => f.layout.id === id);
  const attempt = async <T>(f: {file: string; layout: Layout}, work: () => Promise<T>, done: (v: T) => string): Promise<T | null> => {
    try {
      const v = await work();
      outcomes.push({file: f.file, layout: f.layout.id, outcome: "applied", table: f.layout.table, message: done(v)});
      return v;
    } catch (e) {
      refuse(f.file, f.layout, e instanceof LayoutError ? e.message : `${f.file}: ${(e as Error).message}`);
      return null;
    }
  };

  let wards;
  try {
    wards = wardMatcher(ref, laCode);
  } catch (e) {
    for (const f of found) refuse(f.file, f.layout, `${f.file}: ${(e as Error).message}`);
    return {reference: ref, wardCodes: [], outcomes, keepPrevious};
  }

  const population = [...ref.population];
  for (const f of of("ons-ward-population")) {
    const rows = await attempt(f, () => readOnsPopulation(f.table, wards), (r) => `${f.file}: children 0–17 in ${r.length / 18} wards of ${laCode}, mid-${r[0]?.year}`);
    if (rows) {
      const year = rows[0].year;
      for (let i = population.length - 1; i >= 0; i--) if (population[i].la_code === laCode && population[i].year === year) population.splice(i, 1);
      population.push(...rows);
    }
  }
  ref.population = population;

  const lookups = of("lsoa-ward-lookup");
  const iod = of("iod-lsoa");
  if (iod.length && !lookups.length) for (const f of iod) refuse(f.file, f.layout, `${f.file}: an LSOA→ward lookup (LSOAyyCD, WDyyCD, WDyyNM, LADyyCD) is needed beside it to give wards their deprivation`);
  if (lookups.length) {
    const lookup = await attempt(lookups[lookups.length - 1], () => readLsoaWardLookup(lookups[lookups.length - 1].table, wards), (l) => `${lookups[lookups.length - 1].file}: ${l.lsoas.size} LSOAs of ${laCode} on ${l.vintage} wards`);
    for (const f of iod) {
      if (!lookup) {
        refuse(f.file, f.layout, `${f.file}: not applied because the LSOA→ward lookup was refused`);
        continue;
      }
      const rows = await attempt(f, () => readIodFile7(f.table, wards, lookup.lsoas), (r) => `${f.file}: IDACI for ${r.length} wards of ${laCode}`);
      if (rows) ref.deprivation = [...ref.deprivation.filter((d) => d.la_code !== laCode), ...rows];
    }
  }

  const tables = of("dfe-la-table");
  if (tables.length) {
    const mappings = BenchmarkMappings.parse(JSON.parse(readFileSync(mappingsPath, "utf8"))).tables;
    let neighbours: Map<string, string[]> | null = null;
    for (const f of of("statistical-neighbours")) {
      neighbours = await attempt(f, () => readStatisticalNeighbours(f.table), (m) => `${f.file}: statistical neighbours for ${m.size} authorities`) ?? neighbours;
    }
    const values: LaValue[] = [];
    for (const f of tables) {
      const v = await attempt(f, () => readDfeTable(f.table, mappings), (v) => `${f.file}: ${new Set(v.map((x) => x.benchmark)).size} measure(s), ${new Set(v.map((x) => x.period)).size} year(s)`);
      if (v) values.push(...v);
    }
    const rows = benchmarksFor(laCode, values, neighbours);
    const covered = new Set(rows.map((r) => `${r.indicator_id}|${r.period}|${r.comparator}`));
    ref.benchmarks = [...ref.benchmarks.filter((b) => !covered.has(`${b.indicator_id}|${b.period}|${b.comparator}`)), ...rows];
  } else {
    for (const f of of("statistical-neighbours")) refuse(f.file, f.layout, `${f.file}: statistical neighbours need a DfE LA table beside them to compare against`);
  }

  const wardCodes: WardCode[] = [];
  for (const f of of("ons-ward-lookup")) {
    const codes = await attempt(f, () => readWardCodeLookup(f.table, wards), (c) => `${f.file}: ${c.length} ward codes of ${laCode} (${c[0]?.vintage}), ${c.filter((x) => x.ward_id).length} matched to wards.csv`);
    if (codes) wardCodes.push(...codes);
  }
  return {reference: ref, wardCodes, outcomes, keepPrevious};
}
