/**
 * Writes the committed reference data in data/reference/ (except README.md, which is prose).
 * Run once after changing a spec: `npx tsx pipelines/demo/reference/build.ts`. The numbers are
 * illustrative and deterministic; the demo generator and the pipeline read the CSVs, not this.
 */
import {mkdirSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {csvLine} from "../csv.js";
import {apportion} from "../quotas.js";
import {Rng} from "../rng.js";
import {LEEDS, LUTON, LUTON_AREAS, LUTON_WARDS, REGIONS, TARGET_WARDS, leedsClusters, type PlaceSpec} from "./places.js";
import {PROVIDERS} from "./providers.js";
import {BENCHMARKS} from "./benchmarks.js";
import {DATA_QUALITY_NOTES} from "./data-quality-notes.js";

const YEARS = [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016];
/**
 * The mid-year the place sizes are given for. A snapshot at 31 March 2013 is divided by mid-2012
 * (the API's populationYear for 2012/13), so that is the year that must hold the published 49,050;
 * anchoring it at 2013 made the demo's 388 come out as 80.1 per 10,000 instead of 79.1.
 */
const ANCHOR_YEAR = 2012;
const rng = new Rng("curve-reference-data-v1");

function csv(header: string[], rows: (string | number)[][]): string {
  return csvLine(header) + rows.map(csvLine).join("");
}

function leedsSpecs(): PlaceSpec[] {
  const clusters = leedsClusters();
  const r = rng.fork("leeds");
  const sizes = clusters.map((_, i) => (i === 0 ? 8900 : i === 1 ? 9700 : Math.round(r.uniform(4300, 7600))));
  const rest = 160_000 - sizes[0] - sizes[1];
  const scaled = apportion(rest, sizes.slice(2));
  const idacis = clusters.map((_, i) => (i === 0 ? 0.47 : i === 1 ? 0.45 : Math.round(r.uniform(0.04, 0.38) * 1000) / 1000));
  return clusters.map((c, i) => ({
    id: c.id,
    name: c.name,
    area: "leeds",
    childrenMid2012: i < 2 ? sizes[i] : scaled[i - 2],
    idaci: idacis[i],
    growth: 0.011 + (idacis[i] > 0.3 ? 0.005 : 0),
    youth: idacis[i] > 0.3 ? 0.18 : 0.05
  }));
}

/** Children by single year of age for one place and year, summing exactly to its total. */
function ageProfile(spec: PlaceSpec, year: number, r: Rng): number[] {
  const total = year === ANCHOR_YEAR ? spec.childrenMid2012 : Math.round(spec.childrenMid2012 * (1 + spec.growth) ** (year - ANCHOR_YEAR) * (1 + r.normal(0, 0.003)));
  const weights = Array.from({length: 18}, (_, age) => (1 + (spec.youth * (8.5 - age)) / 8.5) * (1 + r.normal(0, 0.025)));
  return apportion(total, weights);
}

function populationRows(la: string, specs: PlaceSpec[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const spec of specs) {
    const r = rng.fork(`population/${la}/${spec.id}`);
    for (const year of YEARS) ageProfile(spec, year, r).forEach((children, age) => rows.push([la, spec.id, year, age, children]));
  }
  return rows;
}

function deprivationRows(la: string, specs: PlaceSpec[]): (string | number)[][] {
  const ranked = [...specs].sort((a, b) => b.idaci - a.idaci || a.id.localeCompare(b.id));
  const rank = new Map(ranked.map((s, i) => [s.id, i + 1]));
  return specs.map((s) => [la, s.id, s.idaci.toFixed(3), rank.get(s.id)!, "IDACI 2010 (illustrative)"]);
}

function authorityRows(lutonChildren: number, leedsChildren: number): (string | number)[][] {
  const r = rng.fork("authorities");
  // Roughly England's mix of authorities by region (London boroughs are many and small).
  const regionCounts: Record<string, number> = {
    "North East": 12, "North West": 23, "Yorkshire and The Humber": 14, "East Midlands": 9,
    "West Midlands": 14, "East of England": 10, London: 32, "South East": 18, "South West": 16
  };
  const synthetic: {code: string; region: string; size: number}[] = [];
  let code = 101;
  for (const region of REGIONS) {
    for (let i = 0; i < regionCounts[region]; i++) {
      const size = region === "London" ? r.logNormal(52_000, 0.25) : r.logNormal(60_000, 0.6);
      synthetic.push({code: String(code++), region, size});
    }
  }
  const target = 11_500_000 - lutonChildren - leedsChildren;
  const sizes = apportion(target, synthetic.map((s) => s.size));
  const rows: (string | number)[][] = synthetic.map((s, i) => [
    s.code,
    `Authority ${s.code}`,
    s.region,
    Math.min(95, Math.max(12, Math.round(sizes[i] / 2700))),
    sizes[i]
  ]);
  rows.push([LUTON, "Luton", "East of England", LUTON_WARDS.length, lutonChildren]);
  rows.push([LEEDS, "Leeds", "Yorkshire and The Humber", 25, leedsChildren]);
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(process.argv[2] ?? join(here, "../../../data/reference"));
  mkdirSync(out, {recursive: true});
  const leeds = leedsSpecs();

  writeFileSync(
    join(out, "areas.csv"),
    csv(["la_code", "area_id", "name"], [...LUTON_AREAS.map((a) => [LUTON, a.id, a.name]), [LEEDS, "leeds", "Leeds"]])
  );
  writeFileSync(
    join(out, "wards.csv"),
    csv(
      ["la_code", "ward_id", "name", "area_id", "vintage", "ons_code"],
      [
        ...LUTON_WARDS.map((w) => [LUTON, w.id, w.name, w.area, "2003-2023", ""]),
        ...leeds.map((c) => [LEEDS, c.id, c.name, "leeds", "cluster-2013", ""])
      ]
    )
  );
  writeFileSync(
    join(out, "target-wards.json"),
    JSON.stringify(
      {
        id: "early-help-2014",
        name: "Early Help Strategy target wards",
        la_code: LUTON,
        illustrative: true,
        note: "No published source names the five target wards; this set is illustrative configuration.",
        wards: TARGET_WARDS
      },
      null,
      2
    ) + "\n"
  );
  const population = [...populationRows(LUTON, LUTON_WARDS), ...populationRows(LEEDS, leeds)];
  writeFileSync(join(out, "population.csv"), csv(["la_code", "ward_id", "year", "age", "children"], population));
  writeFileSync(
    join(out, "deprivation.csv"),
    csv(["la_code", "ward_id", "idaci_score", "idaci_rank", "vintage"], [...deprivationRows(LUTON, LUTON_WARDS), ...deprivationRows(LEEDS, leeds)])
  );
  writeFileSync(join(out, "benchmarks.csv"), csv(["indicator_id", "period", "comparator", "value", "unit", "source"], BENCHMARKS()));
  writeFileSync(join(out, "providers.json"), JSON.stringify({providers: PROVIDERS}, null, 2) + "\n");
  const total = (la: string, year: number) =>
    population.filter((r) => r[0] === la && r[2] === year).reduce((s, r) => s + Number(r[4]), 0);
  writeFileSync(
    join(out, "authorities.csv"),
    csv(["la_code", "name", "region", "ward_count", "child_population"], authorityRows(total(LUTON, 2015), total(LEEDS, 2015)))
  );
  writeFileSync(join(out, "data-quality-notes.json"), JSON.stringify(DATA_QUALITY_NOTES, null, 2) + "\n");
  console.log(`reference data written to ${out}`);
}

main();
