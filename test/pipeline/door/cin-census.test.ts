import {mkdtemp, readFile, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {cinCensusImporter, read, recognise} from "../../../pipelines/door/cin-census.js";
import {probeFile} from "../../../pipelines/door/sniff.js";
import {CHILD_TOKEN} from "../../../pipelines/door/types.js";
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
  const recognition = cinCensusImporter.recognise(await probeFile(path)) as ReturnType<typeof recognise>;
  expect(recognition).not.toBeNull();
  return collect(read(path, recognition!));
}

describe("CIN census XML", () => {
  it("recognises a census by its content, with the authority and the return year from the header", async () => {
    expect(recognise(await probeFile(Y2023))).toEqual({family: "cin-census", format: "cin-census", la: "821", year: 2023});
    expect(recognise(await probeFile(Y2025))).toMatchObject({la: "383", year: 2025});
    expect(recognise({head: Buffer.from("<?xml version='1.0'?><Catalogue><Book/></Catalogue>")})).toBeNull();
    expect(recognise({head: Buffer.from("CHILD,SEX,DOB\n")})).toBeNull();
    expect(cinCensusImporter.family).toBe("cin-census");
  });

  it("maps referrals, single assessments with factors, s47 outcomes and CP plans to Curve's extract fields", async () => {
    const {records, summary} = await parseFile(Y2023);
    expect(summary).toEqual({rows: 4, children: 3});
    const of = (type: string) => records.filter((r) => r.type === type).map((r) => r.values);

    expect(of("referrals")).toEqual([
      // The need code alone gives the concern (data/reference/cin-need-concerns.json): N1 with factor 3A stays child protection.
      {referral_id: `${CHILD_TOKEN}/2022-05-09`, referral_date: "2022-05-09", source: "2A", primary_concern: "child_protection", outcome: "single_assessment", sex: "2", ethnicity: "Asian"},
      {referral_id: `${CHILD_TOKEN}/2022-10-21`, referral_date: "2022-10-21", source: "6", primary_concern: "other", outcome: "nfa", sex: "1", ethnicity: "White"},
      {referral_id: `${CHILD_TOKEN}/2023-01-05`, referral_date: "2023-01-05", source: "3B", primary_concern: "domestic_violence", outcome: "single_assessment", sex: "1", ethnicity: "White"},
      // An unknown need code passes through so the referrals contract quarantines it with its own message.
      {referral_id: `${CHILD_TOKEN}/2023-02-14`, referral_date: "2023-02-14", source: "3A", primary_concern: "N12", outcome: "single_assessment", sex: "0", ethnicity: "Other"}
    ]);
    expect(of("assessments")[0]).toEqual({
      assessment_id: `${CHILD_TOKEN}/2022-05-09/assessment/2022-05-10`, referral_id: `${CHILD_TOKEN}/2022-05-09`,
      assessment_type: "single", start_date: "2022-05-10", completion_date: "2022-06-20", factors: "3A;4B"
    });
    expect(of("assessments")[1]).toMatchObject({start_date: "2023-01-06", completion_date: null, factors: null});
    expect(of("s47").map((s) => [s.start_date, s.icpc_date, s.outcome])).toEqual([
      ["2022-05-12", "2022-06-01", "plan"], ["2023-01-09", null, "no_plan"]
    ]);
    expect(of("cp_plans")).toEqual([{
      plan_id: `${CHILD_TOKEN}/plan/2022-06-01`, start_date: "2022-06-01", end_date: "2023-01-16", category: "EMO",
      plan_sequence: "2", factors: "3A;4B", sex: "2", ethnicity: "Asian"
    }]);
    // Identity goes to `person` for the door to degrade; an unborn child's expected date stands in for the DOB.
    const persons = records.map((r) => r.person);
    expect(persons[0]).toEqual({childId: "LUT0048213", dob: "2014-06-17"});
    expect(persons.at(-1)).toEqual({childId: "LUT0060342", dob: "2023-05-28"});
    expect(records.every((r) => r.origin.file === "cin-census-2022-23.xml" && r.origin.row >= 1)).toBe(true);
  });

  it("never writes the LAchildID into a record: ids built from the child carry the door's child token", async () => {
    const {records} = await parseFile(Y2023);
    const values = JSON.stringify(records.map((r) => r.values));
    for (const id of ["LUT0048213", "LUT0051177", "LUT0060342"]) expect(values).not.toContain(id);
    expect(records.filter((r) => r.type !== "referrals").every((r) => Object.values(r.values).some((v) => v?.startsWith(`${CHILD_TOKEN}/`)))).toBe(true);
  });

  it("reads a 2009-10 census written in a recent layout: NFA as 1/0, initial then core assessments before single assessments began", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cin-"));
    const path = join(dir, "census-2010.xml");
    await writeFile(path, `<?xml version="1.0" encoding="UTF-8"?>\n<!-- synthetic -->\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2010</Year><ReferenceDate>2010-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>821</LEA></Source></Header><Children><Child><ChildIdentifiers><LAchildID>OLD0000001</LAchildID><UPNunknown>UN1</UPNunknown>
<PersonBirthDate>2004-02-03</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2009-06-01</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><DateOfInitialCPC>2009-07-01</DateOfInitialCPC>
<Assessments><AssessmentActualStartDate>2009-06-20</AssessmentActualStartDate><AssessmentAuthorisationDate>2009-07-30</AssessmentAuthorisationDate></Assessments>
<Assessments><AssessmentActualStartDate>2009-06-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2009-06-09</AssessmentAuthorisationDate></Assessments>
<Section47><S47ActualStartDate>2009-06-10</S47ActualStartDate><InitialCPCtarget>2009-07-01</InitialCPCtarget><DateOfInitialCPC>2009-07-01</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>
<ReferralNFA>0</ReferralNFA><ChildProtectionPlans><CPPstartDate>2009-07-01</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP><SeenSocialWorker>1</SeenSocialWorker></ChildProtectionPlans>
</CINdetails></Child></Children></Message>\n`);
    const {records, issues, summary} = await parseFile(path);
    expect(issues).toEqual([]);
    expect(summary).toEqual({rows: 1, children: 1});
    const of = (type: string) => records.filter((r) => r.type === type).map((r) => r.values);
    expect(of("referrals")[0]).toMatchObject({referral_date: "2009-06-01", source: "5A", primary_concern: "child_protection", outcome: "initial_assessment", sex: "1"});
    expect(of("assessments").map((a) => [a.start_date, a.assessment_type])).toEqual([["2009-06-20", "core"], ["2009-06-02", "initial"]]);
    expect(of("s47")[0]).toMatchObject({icpc_date: "2009-07-01", outcome: "plan"});
    expect(of("cp_plans")[0]).toMatchObject({start_date: "2009-07-01", category: "NEG", plan_sequence: "1"});
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
    expect(b.summary.readable).not.toBe(false);
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
    // Referrals, assessments, enquiries and plans (51,750) plus one CIN episode per CINdetails (28,750).
    expect(r.records).toBe(80_500);
    // Holding the file (a 40 MB UTF-16 string) or a DOM of it would cost several times the file size.
    expect(r.peakHeapGrowthMb).toBeLessThan(80);
  });
});
