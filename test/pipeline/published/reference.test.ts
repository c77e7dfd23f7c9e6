import {cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import ExcelJS from "exceljs";
import {loadReference} from "../../../pipelines/reference.js";
import {applyPublishedReference} from "../../../pipelines/published/index.js";
import {financialYear} from "../../../pipelines/published/dfe-tables.js";
import {runPipeline} from "../../../pipelines/run.js";
import {currentVersion, openReadOnly, queryRows} from "../../../pipelines/warehouse/store.js";

const FIXTURES = "test/fixtures/published";
const base = () => loadReference("data/reference");

/** A copy of the committed reference data with the given published files (name → content). */
function referenceWith(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "curve-ref-test-"));
  cpSync("data/reference", dir, {recursive: true});
  mkdirSync(join(dir, "published"), {recursive: true});
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, "published", name), content);
  return dir;
}
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const apply = (dir: string) => applyPublishedReference(base(), join(dir, "published"), join(dir, "published-benchmarks.json"));

describe("published reference tables", () => {
  it("ONS ward populations replace the generated ones for that mid-year, children 0–17 only", async () => {
    const dir = referenceWith({"pop.csv": fixture("ons-ward-population-mid-2020.csv")});
    const {reference, outcomes} = await apply(dir);
    expect(outcomes).toEqual([expect.objectContaining({file: "pop.csv", outcome: "applied", layout: "ons-ward-population"})]);
    const barnfield = reference.population.filter((p) => p.la_code === "821" && p.ward_id === "barnfield" && p.year === 2020);
    expect(barnfield.map((p) => p.age)).toEqual(Array.from({length: 18}, (_, i) => i));
    // Fixture: ward i has 100 + i + (age % 5) people of each age; Barnfield is ward 0.
    expect(barnfield.reduce((s, p) => s + p.children, 0)).toBe(Array.from({length: 18}, (_, a) => 100 + (a % 5)).reduce((s, v) => s + v, 0));
    // Other years and the other authority keep their generated rows; the Bedford ward is not read.
    expect(reference.population.filter((p) => p.year === 2013 && p.la_code === "821")).toHaveLength(19 * 18);
    expect(reference.population.some((p) => p.ward_id.includes("kempston"))).toBe(false);
  });

  it("reads the same estimates from the xlsx ONS ships, finding the year in the sheet name", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("Mid-2019 Persons");
    const lines = fixture("ons-ward-population-mid-2020.csv").toString().trim().split("\n").slice(3);
    for (const line of lines) sheet.addRow(line.split(",").map((c, i) => (i >= 4 && /^\d+$/.test(c) ? Number(c) : c)));
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const {reference, outcomes} = await apply(referenceWith({"sape.xlsx": xlsx}));
    expect(outcomes[0]).toMatchObject({outcome: "applied"});
    expect(reference.population.filter((p) => p.year === 2019 && p.la_code === "821" && p.ward_id === "biscot")).toHaveLength(18);
  });

  it("a ward's IDACI is the mean of its LSOAs weighted by dependent children, ranked within the authority", async () => {
    const {reference, outcomes} = await apply(referenceWith({"iod.csv": fixture("iod2019-file7.csv"), "lookup.csv": fixture("lsoa11-ward19-lookup.csv")}));
    expect(outcomes.map((o) => o.outcome)).toEqual(["applied", "applied"]);
    const luton = reference.deprivation.filter((d) => d.la_code === "821");
    expect(luton).toHaveLength(19);
    // Fixture ward i: LSOAs scored 0.05+0.02i (300 children) and 0.15+0.02i (400 children).
    const barnfield = luton.find((d) => d.ward_id === "barnfield")!;
    expect(barnfield.idaci_score).toBeCloseTo((0.05 * 300 + 0.15 * 400) / 700, 4);
    expect(luton.find((d) => d.idaci_rank === 1)!.ward_id).toBe("wigmore"); // the last ward in the fixture scores highest
    expect(barnfield.vintage).toMatch(/published/);
  });

  it("England, region and the statistical-neighbour mean come from a DfE table; suppressed cells are absent, not zero", async () => {
    const {reference} = await apply(referenceWith({"cla.csv": fixture("dfe-cla-la-2013-2014.csv"), "sn.csv": fixture("statistical-neighbours.csv")}));
    const b = reference.benchmarks.filter((r) => r.indicator_id === "cla-rate" && r.period === "2012/13");
    expect(Object.fromEntries(b.map((r) => [r.comparator, r.value]))).toEqual({"england": 60, "region": 49, "statistical-neighbours": 75});
    expect(b.every((r) => /published/.test(r.source))).toBe(true);
    // Years the table does not cover keep the committed values.
    expect(reference.benchmarks.some((r) => r.indicator_id === "cla-rate" && r.period === "2009/10")).toBe(true);
  });

  it("DfE reporting years and financial years both become 2012/13", () => {
    expect(financialYear("2013", "Reporting year")).toBe("2012/13");
    expect(financialYear("201213", "Financial year")).toBe("2012/13");
    expect(financialYear("2013/14", "Reporting year")).toBeNull();
  });

  it("keeps every code of a new ward vintage, matched to a Curve ward where the name agrees", async () => {
    const {wardCodes} = await apply(referenceWith({"wd23.csv": fixture("ward23-lad23-lookup.csv")}));
    expect(wardCodes).toHaveLength(5);
    expect(wardCodes.find((w) => w.name === "Biscot")).toMatchObject({vintage: "2023", ward_id: "biscot"});
    expect(wardCodes.find((w) => w.name === "Beech Hill")!.ward_id).toBeNull();
  });
});

describe("a published file in the wrong layout is refused, naming the file, row and column", () => {
  const ons = fixture("ons-ward-population-mid-2020.csv").toString();

  it("a population of 0 for a ward", async () => {
    const lines = ons.split("\n");
    lines[5] = lines[5].split(",").map((c, i) => (i >= 4 ? "0" : c)).join(",");
    const {outcomes, reference} = await apply(referenceWith({"pop.csv": lines.join("\n")}));
    expect(outcomes[0]).toMatchObject({outcome: "refused", table: "population"});
    expect(outcomes[0].message).toMatch(/^pop\.csv row 6: ward Biscot has 0 children/);
    expect(reference.population.some((p) => p.year === 2020)).toBe(false);
  });

  it("a missing ward", async () => {
    const lines = ons.split("\n").filter((l) => !l.includes(",Saints,"));
    const {outcomes} = await apply(referenceWith({"pop.csv": lines.join("\n")}));
    expect(outcomes[0].message).toMatch(/pop\.csv, column 'Ward Name': no row for ward\(s\) Saints of authority 821/);
  });

  it("a ward of another vintage", async () => {
    const {outcomes} = await apply(referenceWith({"pop.csv": ons.replace(",Biscot,", ",Beech Hill,")}));
    expect(outcomes[0].message).toMatch(/pop\.csv row 6, column 'Ward Name': ward 'Beech Hill' .* another ward vintage/);
  });

  it("a count that is not a number", async () => {
    const {outcomes} = await apply(referenceWith({"pop.csv": ons.replace(/(,Barnfield,E06000032,Luton,\d+,)\d+/, "$1n/a")}));
    expect(outcomes[0].message).toMatch(/pop\.csv row 5, column '0': expected a count of people, got 'n\/a'/);
  });

  it("deprivation without its LSOA→ward lookup", async () => {
    const {outcomes} = await apply(referenceWith({"iod.csv": fixture("iod2019-file7.csv")}));
    expect(outcomes[0]).toMatchObject({outcome: "refused"});
    expect(outcomes[0].message).toMatch(/LSOA→ward lookup .* is needed/);
  });

  it("a file that is no published layout at all", async () => {
    const {outcomes} = await apply(referenceWith({"notes.csv": "a,b\n1,2\n"}));
    expect(outcomes[0]).toMatchObject({outcome: "refused", table: null});
    expect(outcomes[0].message).toMatch(/notes\.csv: not a published layout/);
  });
});

describe("the pipeline loads published reference tables into the warehouse version", () => {
  async function refPopulation(warehouseDir: string) {
    const instance = await openReadOnly(currentVersion({dir: warehouseDir})!.path);
    const conn = await instance.connect();
    try {
      return await queryRows<{n: number; children: number}>(conn, `SELECT count(*)::INTEGER AS n, sum(children)::DOUBLE AS children FROM ref_population WHERE year = 2020 AND la_code = '821'`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }

  it("publishes them, and a broken replacement keeps the previous version's table serving", async () => {
    const root = mkdtempSync(join(tmpdir(), "curve-pub-"));
    const referenceDir = referenceWith({"pop.csv": fixture("ons-ward-population-mid-2020.csv")});
    const config = {inbox: join(root, "inbox"), warehouseDir: join(root, "warehouse"), referenceDir};
    mkdirSync(config.inbox);
    const first = await runPipeline(config, {clock: () => new Date("2026-11-23T12:00:00Z")});
    expect(first.status).toBe("published");
    expect(first.reference).toEqual([expect.objectContaining({outcome: "applied"})]);
    const before = await refPopulation(config.warehouseDir);
    expect(before[0].n).toBe(19 * 18);

    writeFileSync(join(referenceDir, "published", "pop.csv"), "Ward Code,Ward Name,All Ages,0\nE05000000,Barnfield,0,0\n");
    const second = await runPipeline(config, {clock: () => new Date("2026-11-24T12:00:00Z")});
    expect(second.reference![0]).toMatchObject({outcome: "refused"});
    expect(second.reference![0].message).toMatch(/pop\.csv/);
    expect(await refPopulation(config.warehouseDir)).toEqual(before);
  });
});
