import {execFileSync} from "node:child_process";
import {copyFileSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {RunRecord} from "../../../pipelines/run.js";
import {obaScratch} from "../../helpers/oba.js";
import {currentVersion, openReadOnly, queryRows} from "../../../pipelines/warehouse/store.js";
import {queryPublished} from "../../helpers/warehouse.js";
import {buildAnnexA} from "../../fixtures/statutory/annex-a/build.js";
import {dropReturn, FIXTURES, leaks, RETURN_2013, RETURN_2014, tempChildKey} from "./fixtures.js";

/**
 * A council drops its SSDA903 returns into the inbox for an authority Curve has never seen (886):
 * the run recognises them by content, degrades identity, and the API publishes the figures. The same
 * inbox holds every CIN census, Annex A and SSD fixture (other authorities), so the leak test covers them.
 */

/** Every CIN, Annex A and SSD fixture file, as dropped in the inbox (the leak test validates them too). */
const OTHER_FORMATS: string[] = [];

const s = obaScratch("curve-door-");
let keyFile: string;
const logLines: string[] = [];
let runRecord: RunRecord;

beforeAll(async () => {
  keyFile = tempChildKey();
  // Names are arbitrary; the authority is the folder's.
  dropReturn(s.inbox, "886", RETURN_2013, (n) => n.replace("SSDA903_2013_", "export 2012-13 ").toLowerCase());
  dropReturn(s.inbox, "886/next", RETURN_2014, (n) => n.replace("SSDA903_", "cla_"));
  const drop = (from: string, to: string) => {
    mkdirSync(join(s.inbox, to, ".."), {recursive: true});
    copyFileSync(from, join(s.inbox, to));
    OTHER_FORMATS.push(join(s.inbox, to));
  };
  mkdirSync(join(s.inbox, "821"), {recursive: true});
  drop(join(FIXTURES, "cin821", "cin-census-2012-13.xml"), "821/cin 2012-13.xml");
  drop(join(FIXTURES, "cin821", "ssd_address.csv"), "821/address.csv");
  drop(join(FIXTURES, "postcode-wards.csv"), "lookup.csv");
  mkdirSync(join(s.inbox, "cin"), {recursive: true});
  for (const f of readdirSync(join(FIXTURES, "cin"))) drop(join(FIXTURES, "cin", f), `cin/${f}`);
  // The broken census is for the same authority and year as the good one: older, it is superseded, so the good one loads.
  utimesSync(join(s.inbox, "cin", "cin-census-not-well-formed.xml"), new Date("2024-01-01"), new Date("2024-01-01"));
  mkdirSync(join(s.inbox, "823"), {recursive: true});
  for (const f of readdirSync(join(FIXTURES, "ssd"))) drop(join(FIXTURES, "ssd", f), `823/${f}`);
  mkdirSync(join(s.inbox, "822"), {recursive: true});
  await buildAnnexA(join(s.inbox, "822", "annex-a.xlsx"));
  OTHER_FORMATS.push(join(s.inbox, "822", "annex-a.xlsx"));
  const {runPipeline} = await import("../../../pipelines/run.js");
  const record = await runPipeline({inbox: s.inbox, warehouseDir: s.warehouseDir, referenceDir: "data/reference"},
    {clock: () => new Date("2026-11-23T12:00:00Z"), log: (e) => logLines.push(JSON.stringify(e))});
  expect(record.status).toBe("published");
  runRecord = record;
}, 120_000);

afterAll(() => s.close());

const warehouse = <T>(sql: string): Promise<T[]> => queryPublished<T>(s.warehouseDir, sql);

describe("a 903 set for a new authority", () => {
  it("loads Header + Episodes as looked_after rows: month of birth, sex, ethnic group, one row per episode", async () => {
    const rows = await warehouse<{birth_month: string; sex: string; ethnicity: string; start_date: string; rne: string; ward: string | null; n: number}>(
      `SELECT birth_month, sex, ethnicity, start_date::VARCHAR AS start_date, rne, ward, count(*)::INTEGER AS n FROM looked_after WHERE la_code = '886'
       GROUP BY ALL ORDER BY start_date, birth_month`);
    expect(rows.map((r) => [r.start_date, r.birth_month, r.sex, r.ethnicity, r.rne])).toEqual([
      ["2011-11-01", "2011-11", "M", "Mixed", "S"],
      ["2012-05-01", "2009-03", "M", "White", "S"],
      ["2012-06-10", "2004-07", "F", "Asian", "S"],
      ["2012-08-01", "2009-03", "M", "White", "P"],
      ["2013-01-15", "2012-12", "F", "Black", "S"],
      ["2013-02-20", "2012-12", "F", "Black", "L"],
      ["2013-05-05", "2008-08", "M", "White", "S"]
    ]);
    // No postcode lookup for 886: wards are empty, not guessed.
    expect(rows.every((r) => r.ward === null)).toBe(true);
  });

  it("gives a child the same key in the 2012-13 and 2013-14 returns, so the later return closes the episode", async () => {
    const [ep] = await warehouse<{end_date: string; reason_ceased: string; years: number}>(
      `SELECT end_date::VARCHAR AS end_date, reason_ceased,
         (SELECT count(DISTINCT l.collection_year)::INTEGER FROM looked_after__loaded r JOIN extract_loads l USING (load_id) WHERE r.child_key = x.child_key) AS years
       FROM looked_after x WHERE start_date = DATE '2012-08-01' AND la_code = '886'`);
    expect(ep).toEqual({end_date: "2013-12-12", reason_ceased: "E41", years: 2});
    const keys = await warehouse<{child_key: string}>(`SELECT DISTINCT child_key FROM looked_after WHERE la_code = '886'`);
    expect(keys.every((k) => /^[0-9a-f]{32}$/.test(k.child_key))).toBe(true);
    expect(keys).toHaveLength(5);
  });

  it("counts children starting care by period of care (RNE S), not by episode row", async () => {
    const {body, status} = await s.get("/api/indicators/cla-started/series?geography=borough&code=886&period=financial-year&from=2012/13&to=2013/14", "analyst");
    expect(status).toBe(200);
    // 2012/13: five episodes start, three of them new periods of care; 2013/14: one.
    const counts = await warehouse<{fy: number; n: number}>(`SELECT (CASE WHEN month(start_date) >= 4 THEN year(start_date) ELSE year(start_date) - 1 END)::INTEGER AS fy,
      count(*)::INTEGER AS n FROM looked_after WHERE la_code = '886' AND (rne IS NULL OR rne = 'S') GROUP BY 1 ORDER BY 1`);
    expect(counts).toEqual([{fy: 2011, n: 1}, {fy: 2012, n: 3}, {fy: 2013, n: 1}]);
    expect(body.points.map((p: any) => p.period)).toEqual(["2012/13", "2013/14"]);
    const facts = await warehouse<{n: number}>(`SELECT sum(count)::INTEGER AS n FROM facts WHERE measure = 'cla-started' AND la_code = '886' AND breakdown = 'all'
      AND month BETWEEN DATE '2012-04-01' AND DATE '2013-03-01'`);
    expect(facts[0].n).toBe(3);
  });

  it("counts children open at a month end once each, however many episodes they had", async () => {
    const [f] = await warehouse<{n: number}>(`SELECT count::INTEGER AS n FROM facts WHERE measure = 'cla-open' AND la_code = '886' AND breakdown = 'all' AND month = DATE '2013-03-01'`);
    expect(f.n).toBe(3); // children 123 (second episode), 456, 1010 (second episode)
  });

  it("loads the Missing, OC2 and OC3 tables as cla_missing, cla_health and care_leavers, keyed like the child's episodes", async () => {
    const missing = await warehouse<{missing_type: string; start_date: string; end_date: string; birth_month: string; in_care: boolean}>(
      `SELECT m.missing_type, m.start_date::VARCHAR AS start_date, m.end_date::VARCHAR AS end_date, m.birth_month,
         EXISTS (SELECT 1 FROM looked_after l WHERE l.child_key = m.child_key AND l.la_code = m.la_code) AS in_care
       FROM cla_missing m WHERE m.la_code = '886'`);
    expect(missing).toEqual([{missing_type: "M", start_date: "2012-09-02", end_date: "2012-09-03", birth_month: "2004-07", in_care: true}]);
    const health = await warehouse<Record<string, unknown>>(
      `SELECT year_end::VARCHAR AS year_end, birth_month, health_check, teeth_check, immunisations, development_check, sdq_score::INTEGER AS sdq_score, convicted, substance_misuse
       FROM cla_health WHERE la_code = '886'`);
    expect(health).toEqual([{year_end: "2013-03-31", birth_month: "2004-07", health_check: "Y", teeth_check: "Y", immunisations: "Y", development_check: "Y",
      sdq_score: 14, convicted: "N", substance_misuse: "N"}]);
    const leavers = await warehouse<Record<string, unknown>>(
      `SELECT year_end::VARCHAR AS year_end, birth_month, in_touch, activity, accommodation FROM care_leavers WHERE la_code = '886'`);
    expect(leavers).toEqual([{year_end: "2013-03-31", birth_month: "1993-05", in_touch: "YES", activity: "F2", accommodation: "S1"}]);
  });

  it("uses the Missing, OC2 and OC3 tables and validates and reports the other 903 tables rather than refusing them", async () => {
    const runs = readFileSync(join(s.warehouseDir, "runs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const door = runs.at(-1).door as {file: string; format: string; outcome: string}[];
    const formats = Object.fromEntries(door.filter((d) => d.file.startsWith("886/export")).map((d) => [d.format, d.outcome]));
    expect(formats).toMatchObject({"ssda903:header": "used", "ssda903:episodes": "used", "ssda903:reviews": "validated", "ssda903:uasc": "validated",
      "ssda903:missing": "used", "ssda903:oc2": "used", "ssda903:oc3": "used", "ssda903:ad1": "validated",
      "ssda903:placed_adoption": "validated", "ssda903:prev_perm": "validated"});
  });
});

describe("SSD and Annex A extracts of every year", () => {
  it("place each record in its own date's year, with sex coded for that year and characteristics joined from ssd_person", async () => {
    const rows = await warehouse<{la_code: string; fy: string; referral_date: string; raw_sex: string; ethnicity: string | null}>(
      `SELECT r.la_code, l.period AS fy, r.referral_date::VARCHAR AS referral_date, r.sex AS raw_sex, r.ethnicity FROM referrals__loaded r
       JOIN extract_loads l ON l.load_id = r.load_id WHERE r.la_code IN ('822', '823') ORDER BY r.la_code, r.referral_date`);
    // SSD sex arrives as M/F/U and is coded 1/2 for 2023-24 by the door (a 2023-24 contract refuses M/F); the warehouse shows M/F.
    expect(rows).toEqual([
      {la_code: "822", fy: "2024-25", referral_date: "2024-05-06", raw_sex: "M", ethnicity: "White"},
      {la_code: "822", fy: "2024-25", referral_date: "2024-09-12", raw_sex: "F", ethnicity: "Asian"},
      {la_code: "823", fy: "2023-24", referral_date: "2023-06-12", raw_sex: "F", ethnicity: "White"},
      {la_code: "823", fy: "2023-24", referral_date: "2023-11-02", raw_sex: "M", ethnicity: "Black"}
    ]);
    const quarantine = await warehouse<{file: string; rule: string; field: string; message: string}>(
      `SELECT file, rule, field, message FROM quarantine WHERE file IN ('823/ssd_cin_episodes.csv', '822/annex-a.xlsx') ORDER BY file, field`);
    expect(quarantine.map((q) => [q.file, q.field, q.rule])).toEqual([
      ["822/annex-a.xlsx", "Date of referral", "annex-a-invalid-date"], ["822/annex-a.xlsx", "referral_date", "missing"],
      ["823/ssd_cin_episodes.csv", "birth_month", "missing"], ["823/ssd_cin_episodes.csv", "cine_person_id", "ssd-person-unknown"],
      ["823/ssd_cin_episodes.csv", "ethnicity", "missing"], ["823/ssd_cin_episodes.csv", "sex", "missing"]
    ]);
    // An open SSD looked-after episode lacks a legal status (the SSD keeps it in a table not read yet), so
    // every year it would stage loads nothing: the replace guard refuses those files and publishes no empty period.
    const cla = await warehouse<{n: number}>(`SELECT count(*)::INTEGER AS n FROM looked_after WHERE la_code = '823'`);
    expect(cla[0].n).toBe(0);
    const refusedCla = runRecord.extracts.filter((e) => e.type === "looked_after" && e.laCode === "823");
    expect(refusedCla.length).toBeGreaterThan(0);
    expect(refusedCla.every((e) => e.outcome === "refused" && /legal_status/.test(e.message))).toBe(true);
  });
});

describe("no original identifier leaves the door", () => {
  it("appears nowhere in the warehouse, the run log, the logs, the quarantine or the API's answers", async () => {
    const version = currentVersion({dir: s.warehouseDir})!.path;
    const tables = await warehouse<{t: string}>(`SELECT table_name AS t FROM duckdb_tables() ORDER BY 1`);
    const instance = await openReadOnly(version);
    const conn = await instance.connect();
    const dumped: string[] = [];
    try {
      for (const {t} of tables) dumped.push(JSON.stringify(await queryRows(conn, `SELECT * FROM "${t}"`)));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    const warehouseText = dumped.join("\n");
    expect(warehouseText).toMatch(/886/); // the dump did capture the loaded data
    // ... from every format: 903 (886), CIN census (821, 383), SSD (823), Annex A (822).
    for (const la of ["821", "383", "822", "823"]) expect(warehouseText).toContain(`"la_code":"${la}"`);
    const answers: string[] = [];
    for (const path of [
      "/api/indicators/cla-started/series?geography=borough&code=886&period=financial-year&from=2012/13&to=2013/14",
      "/api/indicators/cla-rate/series?geography=borough&code=886&period=financial-year&from=2012/13&to=2013/14",
      "/api/indicators/referrals/series?geography=borough&code=821&period=financial-year&from=2012/13&to=2022/23",
      "/api/indicators/cp-rate/series?geography=ward&code=biscot&period=financial-year&from=2012/13&to=2022/23",
      "/api/indicators/referrals/series?geography=borough&code=823&period=financial-year&from=2020/21&to=2024/25",
      "/api/indicators/referrals/series?geography=borough&code=822&period=financial-year&from=2022/23&to=2024/25",
      "/api/pipeline/runs", "/api/pipeline/quarantine", "/api/pipeline/runs?format=csv", "/api/pipeline/quarantine?format=csv"
    ]) answers.push(JSON.stringify((await s.get(path, "analyst")).body));
    // validate exits 2 here (one CIN fixture is not well-formed): its answer must be as clean as a run's.
    const validateRun = (files: string[]) => {
      try {
        return execFileSync("npx", ["tsx", "pipelines/cli.ts", "validate", "--json", "--la", "886", ...files], {encoding: "utf8", stdio: ["ignore", "pipe", "pipe"]});
      } catch (err) {
        const e = err as {stdout: string; stderr: string};
        return e.stdout + e.stderr;
      }
    };
    const validate = validateRun([...readdirSync(RETURN_2013).map((f) => join(RETURN_2013, f)), ...OTHER_FORMATS]);
    expect(validate).toMatch(/"format": "annex-a"/);
    expect(validate).toMatch(/"format": "ssd:cin_episodes"/);
    expect(validate).toMatch(/"format": "cin-census"/);
    const everything = [warehouseText, readFileSync(join(s.warehouseDir, "runs.jsonl"), "utf8"), logLines.join("\n"), answers.join("\n"), validate].join("\n");
    expect(leaks(everything)).toEqual([]);
    // The key itself is a secret too.
    expect(everything.includes(readFileSync(keyFile, "utf8").trim())).toBe(false);
  }, 120_000);
});

describe("bad input keeps the previous data", () => {
  it("refuses a later Episodes table missing a required column and keeps the earlier return's rows", async () => {
    const before = await warehouse<{n: number}>(`SELECT count(*)::INTEGER AS n FROM looked_after WHERE la_code = '886'`);
    const broken = readFileSync(join(RETURN_2014, "SSDA903_2014_Episodes.csv"), "utf8").replace("LS,", "").split("\n").map((l, i) => (i === 0 ? l : l.replace(/,C[12],/, ","))).join("\n");
    writeFileSync(join(s.inbox, "886/next/cla_2014_Episodes.csv"), broken);
    const {runPipeline} = await import("../../../pipelines/run.js");
    const record = await runPipeline({inbox: s.inbox, warehouseDir: s.warehouseDir, referenceDir: "data/reference"}, {clock: () => new Date("2026-11-23T12:00:00Z")});
    // Nothing else changed, so no new version is published: the earlier return keeps serving.
    expect(record.status).toBe("unchanged");
    const refused = record.door!.find((d) => d.file === "886/next/cla_2014_Episodes.csv")!;
    expect(refused.outcome).toBe("refused");
    expect(refused.message).toMatch(/no LS column/);
    expect(refused.message).toMatch(/earlier data stays/);
    expect(await warehouse(`SELECT count(*)::INTEGER AS n FROM looked_after WHERE la_code = '886'`)).toEqual(before);
  }, 120_000);
});
