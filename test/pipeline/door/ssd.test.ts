import {readdir, mkdtemp, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {probeFile} from "../../../pipelines/door/sniff.js";
import {buildSsdContext, parseTable, recognise, ssdImporter, type SsdContext} from "../../../pipelines/door/ssd.js";
import {collect, expectNoIdentifierIn} from "./collect.js";

const DIR = "test/fixtures/statutory/ssd";
const IDENTIFIERS = ["P1000234", "P1000587", "P1000911", "P9999999", "2013-04-22", "2017-09-05", "2024-08-19", "LU2 7QT", "MK40 2HX"];
let files: string[];
let context: SsdContext;

beforeAll(async () => {
  files = (await readdir(DIR)).map((f) => join(DIR, f));
  context = await buildSsdContext(await Promise.all(files.map(async (path) => ({path, recognition: recognise(await probeFile(path))!}))));
});

async function readTable(table: string, ctx: SsdContext = {}) {
  const path = join(DIR, `ssd_${table}.csv`);
  const recognition = recognise(await probeFile(path));
  expect(recognition).toEqual({family: "ssd", format: `ssd:${table}`, la: null, year: null});
  return collect(parseTable(path, recognition!, ctx));
}

describe("Standard Safeguarding Dataset tables", () => {
  it("recognises each table by its header, whatever the file is called", async () => {
    const formats = await Promise.all(files.map(async (f) => recognise(await probeFile(f))?.format));
    expect(formats.sort()).toEqual(["ssd:address", "ssd:cin_assessments", "ssd:cin_episodes", "ssd:cla_episodes", "ssd:cp_plans",
      "ssd:early_help_episodes", "ssd:initial_cp_conference", "ssd:person", "ssd:s47_enquiry"]);
    expect(recognise({kind: "csv", header: ["CHILD", "SEX", "DOB"]})).toBeNull();
    expect(ssdImporter.datedByRecord).toBe(true);
  });

  it("joins ssd_person's birth date, sex and ethnicity onto referrals, and flags a person it does not know", async () => {
    const {records, issues} = await readTable("cin_episodes", context);
    expect(records.map((r) => r.values)).toEqual([
      {referral_id: "R55001", referral_date: "2023-06-12", source: "2A", primary_concern: "child_protection", outcome: "single_assessment", sex: "F", ethnicity: "White"},
      {referral_id: "R55002", referral_date: "2023-11-02", source: "6", primary_concern: "other", outcome: "nfa", sex: "M", ethnicity: "Black"},
      {referral_id: "R55003", referral_date: "2024-01-15", source: "3B", primary_concern: "general_childcare", outcome: "single_assessment", sex: null, ethnicity: null}
    ]);
    expect(records[0].person).toEqual({childId: "P1000234", dob: "2013-04-22"});
    expect(issues).toEqual([{row: 3, field: "cine_person_id", rule: "ssd-person-unknown", message: "row 3: the person is not in ssd_person"}]);
  });

  it("says once per file when no ssd_person was supplied to join", async () => {
    const {records, issues} = await readTable("cp_plans");
    expect(issues).toEqual([expect.objectContaining({row: null, rule: "ssd-person-not-joined"})]);
    expect(records[0].values).toMatchObject({sex: null, ethnicity: null});
  });

  it("takes an s47 enquiry's conference and outcome from ssd_initial_cp_conference", async () => {
    const {records} = await readTable("s47_enquiry", context);
    expect(records.map((r) => r.values)).toEqual([
      {enquiry_id: "S301", start_date: "2023-06-14", icpc_date: "2023-07-03", outcome: "plan"},
      {enquiry_id: "S302", start_date: "2024-01-16", icpc_date: null, outcome: "pending"}
    ]);
  });

  it("numbers a child's CP plans in start order and reads the category label as a code", async () => {
    const {records} = await readTable("cp_plans", context);
    expect(records.map((r) => [r.values.plan_id, r.values.category, r.values.plan_sequence])).toEqual([["CP901", "EMO", "2"], ["CP850", "NEG", "1"]]);
  });

  it("maps assessments and looked-after episodes, leaving legal status and placement for the contract to quarantine", async () => {
    expect((await readTable("cin_assessments", context)).records[0].values).toEqual({
      assessment_id: "A7001", referral_id: "R55001", assessment_type: "single", start_date: "2023-06-13", completion_date: "2023-07-20", factors: null
    });
    expect((await readTable("cla_episodes", context)).records[0].values).toMatchObject({episode_id: "E88001", start_date: "2024-02-01", legal_status: null, placement: null});
  });

  it("turns home addresses into child_addresses records with the postcode for the door, skipping placement addresses", async () => {
    const {records, summary} = await readTable("address", context);
    expect(summary.rows).toBe(2);
    expect(records).toEqual([{type: "child_addresses", person: {childId: "P1000234", homePostcode: "LU2 7QT"},
      values: {from_date: "2019-01-01", to_date: null}, origin: {file: "ssd_address.csv", row: 1}}]);
  });

  it("reports the tables it reads but does not map, with the reason", async () => {
    expect((await readTable("early_help_episodes", context)).summary.notMapped).toEqual([expect.stringMatching(/^ssd:early_help_episodes \(1 rows\): Curve's early_help extract needs/)]);
    expect((await readTable("person", context)).records).toEqual([]);
  });

  it("refuses a CSV it cannot read, naming the file and line, without quoting it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ssd-"));
    const path = join(dir, "broken.csv");
    await writeFile(path, "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date\nCP1,P1000234,2023-01-01\n\"CP2,P1000587,2023-02-01\n");
    const {issues, summary} = await collect(parseTable(path, recognise(await probeFile(path))!, context));
    expect(summary.readable).toBe(false);
    expect(issues.at(-1)).toMatchObject({field: "file", rule: "csv-unreadable"});
    expect(issues.at(-1)!.message).toMatch(/^broken\.csv could not be read as CSV/);
    expectNoIdentifierIn(issues, IDENTIFIERS);
  });

  it("never quotes an identifier in an issue", async () => {
    const all = [];
    for (const f of files) all.push(...(await collect(parseTable(f, recognise(await probeFile(f))!))).issues);
    expect(all.length).toBeGreaterThan(0);
    expectNoIdentifierIn(all, IDENTIFIERS);
  });
});
