import {mkdtemp, readFile, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {cinCensusImporter, parse, recognise} from "../../../pipelines/door/cin-census.js";
import {readProbe} from "../../../pipelines/door/parser.js";
import {collect, expectNoIdentifierIn} from "./collect.js";

const DIR = "test/fixtures/statutory/cin";
const Y2023 = join(DIR, "cin-census-2022-23.xml");
const Y2025 = join(DIR, "cin-census-2024-25.xml");
const BROKEN = join(DIR, "cin-census-not-well-formed.xml");
/** Every identifier the fixtures carry: none may appear in any issue. */
const IDENTIFIERS = [
  "LUT0048213", "LUT0051177", "LUT0060342", "LDS7720154", "LUT0077321",
  "A821400012345", "B821400067890", "C383200055501", "D821400099887",
  "2014-06-17", "2019-11-03", "2023-05-28", "2011-02-08", "2016-13-40", "2015-04-02"
];

async function parseFile(path: string) {
  const recognition = recognise(await readProbe(path));
  expect(recognition).not.toBeNull();
  return collect(parse(path, recognition!));
}

describe("CIN census XML", () => {
  it("recognises a census by its content, with the authority and the return year from the header", async () => {
    expect(recognise(await readProbe(Y2023))).toEqual({family: "cin-census", format: "cin-census", la: "821", year: 2023});
    expect(recognise(await readProbe(Y2025))).toMatchObject({la: "383", year: 2025});
    expect(recognise({path: "x.xml", name: "x.xml", head: Buffer.from("<?xml version='1.0'?><Catalogue><Book/></Catalogue>")})).toBeNull();
    expect(recognise({path: "x.csv", name: "x.csv", head: Buffer.from("CHILD,SEX,DOB\n")})).toBeNull();
    expect(cinCensusImporter.family).toBe("cin-census");
  });

  it("maps referrals, single assessments with factors, s47 outcomes and CP plans to Curve's extract fields", async () => {
    const {records, summary} = await parseFile(Y2023);
    expect(summary).toEqual({rows: 4, children: 3, readable: true});
    const of = (type: string) => records.filter((r) => r.type === type).map((r) => r.values);

    expect(of("referrals")).toEqual([
      {referral_id: "LUT0048213/2022-05-09", referral_date: "2022-05-09", source: "2A", primary_concern: "domestic_violence", outcome: "single_assessment", sex: "2", ethnicity: "Asian"},
      {referral_id: "LUT0051177/2022-10-21", referral_date: "2022-10-21", source: "6", primary_concern: "other", outcome: "nfa", sex: "1", ethnicity: "White"},
      {referral_id: "LUT0051177/2023-01-05", referral_date: "2023-01-05", source: "3B", primary_concern: "general_childcare", outcome: "single_assessment", sex: "1", ethnicity: "White"},
      // An unknown need code passes through so the referrals contract quarantines it with its own message.
      {referral_id: "LUT0060342/2023-02-14", referral_date: "2023-02-14", source: "3A", primary_concern: "N12", outcome: "single_assessment", sex: "0", ethnicity: "Other"}
    ]);
    expect(of("assessments")[0]).toEqual({
      assessment_id: "LUT0048213/2022-05-09/assessment/2022-05-10", referral_id: "LUT0048213/2022-05-09",
      assessment_type: "single", start_date: "2022-05-10", completion_date: "2022-06-20", factors: "3A;4B"
    });
    expect(of("assessments")[1]).toMatchObject({start_date: "2023-01-06", completion_date: null, factors: null});
    expect(of("s47").map((s) => [s.start_date, s.icpc_date, s.outcome])).toEqual([
      ["2022-05-12", "2022-06-01", "plan"], ["2023-01-09", null, "no_plan"]
    ]);
    expect(of("cp_plans")).toEqual([{
      plan_id: "LUT0048213/plan/2022-06-01", start_date: "2022-06-01", end_date: "2023-01-16", category: "EMO",
      plan_sequence: "2", factors: "3A;4B", sex: "2", ethnicity: "Asian"
    }]);
    // Identity goes to `person` for the door to degrade; an unborn child's expected date stands in for the DOB.
    const persons = records.map((r) => r.person);
    expect(persons[0]).toEqual({childId: "LUT0048213", dob: "2014-06-17"});
    expect(persons.at(-1)).toEqual({childId: "LUT0060342", dob: "2023-05-28"});
    expect(records.every((r) => r.origin.file === "cin-census-2022-23.xml" && r.origin.row >= 1)).toBe(true);
  });

  it("reads the child's sex from GenderCurrent (1/2/9/0) before 2024-25 and from Sex (M/F/U) after", async () => {
    const before = (await parseFile(Y2023)).records.filter((r) => r.type === "referrals").map((r) => r.values.sex);
    const after = (await parseFile(Y2025)).records.filter((r) => r.type === "referrals").map((r) => r.values.sex);
    expect(before).toEqual(["2", "1", "1", "0"]);
    expect(after[0]).toBe("F");
  });

  it("flags missing and invalid elements with DfE rule codes, per child, without quoting any value", async () => {
    const a = await parseFile(Y2023);
    expect(a.issues.map((i) => [i.row, i.rule])).toEqual([[3, "8650"]]);
    const b = await parseFile(Y2025);
    const rules = b.issues.map((i) => `${i.row}:${i.rule}:${i.field}`);
    expect(rules).toEqual(expect.arrayContaining([
      "2:8500:LAchildID", "2:8525:PersonBirthDate", "2:cin-sex-missing:Sex", "2:cin-invalid-date:PersonBirthDate"
    ]));
    // 2024-25 spells yes/no as 1/0 only: "true" is invalid that year.
    expect(rules).toContain("2:8568:ReferralNFA");
    expect(b.summary.readable).toBe(true);
    expectNoIdentifierIn([...a.issues, ...b.issues], IDENTIFIERS);
  });

  it("refuses a CIN XML that is not well-formed, naming the file and the line and column, without crashing", async () => {
    const {issues, summary} = await parseFile(BROKEN);
    expect(summary.readable).toBe(false);
    const fileIssue = issues.find((i) => i.field === "file")!;
    expect(fileIssue.rule).toBe("xml-not-well-formed");
    expect(fileIssue.message).toMatch(/^cin-census-not-well-formed\.xml is not well-formed XML: parsing failed at line 17, column \d+/);
    expectNoIdentifierIn(issues, IDENTIFIERS);
  });

  it("refuses a CIN XML that is truncated, naming the file and where it ends", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cin-"));
    const whole = await readFile(Y2023, "utf8");
    // Cut inside the second child's UPN: the tail of the file, and a partial identifier, are gone.
    const cut = join(dir, "census-cut.xml");
    await writeFile(cut, whole.slice(0, whole.indexOf("B8214000") + 6));
    const {records, issues, summary} = await parseFile(cut);
    expect(summary).toMatchObject({readable: false, children: 1});
    expect(records.length).toBeGreaterThan(0); // the door discards them: an unreadable file never half-loads
    expect(issues.at(-1)).toMatchObject({field: "file", rule: "xml-truncated"});
    expect(issues.at(-1)!.message).toMatch(/^census-cut\.xml is not well-formed XML \(the file ends early: is it truncated\?\): parsing failed at line \d+, column \d+/);
    expectNoIdentifierIn(issues, [...IDENTIFIERS, "B821400"]);
  });
});

describe("CIN census XML at a county's size", () => {
  it("streams a 20 MB census in bounded memory and reports the parse rate", async () => {
    const {benchCinParse} = await import("../../../pipelines/bench/cin-parse.js");
    const r = await benchCinParse(23_000);
    console.log(`CIN parse: ${r.megabytes.toFixed(1)} MB in ${r.seconds.toFixed(2)} s = ${r.mbPerSecond.toFixed(1)} MB/s (${r.mbPerCpuSecond.toFixed(1)} MB per CPU second), peak heap growth ${r.peakHeapGrowthMb.toFixed(1)} MB`);
    expect(r.megabytes).toBeGreaterThan(19);
    expect(r.records).toBe(51_750);
    // Holding the file (a 40 MB UTF-16 string) or a DOM of it would cost several times the file size.
    expect(r.peakHeapGrowthMb).toBeLessThan(80);
  });
});
