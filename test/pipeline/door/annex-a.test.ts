import {mkdtemp, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {annexAImporter, read, recognise} from "../../../pipelines/door/annex-a.js";
import {probeFile} from "../../../pipelines/door/sniff.js";
import {CHILD_TOKEN} from "../../../pipelines/door/types.js";
import {ANNEX_A_IDENTIFIERS, buildAnnexA} from "../../fixtures/statutory/annex-a/build.js";
import {collect, expectNoIdentifierIn} from "./collect.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "annex-a-"));
  await buildAnnexA(join(dir, "annex-a.xlsx"));
  await buildAnnexA(join(dir, "annex-a-renamed.xlsx"), {rename: 3});
});

async function parseFile(name: string) {
  const path = join(dir, name);
  expect(recognise(await probeFile(path))).toEqual({family: "annex-a", format: "annex-a", la: null, year: null});
  return collect(read(path));
}

describe("Annex A workbook", () => {
  it("recognises an Annex A by its sheet names, and nothing else", async () => {
    expect(annexAImporter.recognise(await probeFile(join(dir, "annex-a.xlsx")))).not.toBeNull();
    await writeFile(join(dir, "not.xlsx"), "CHILD,SEX\n1,2\n");
    expect(annexAImporter.recognise(await probeFile(join(dir, "not.xlsx")))).toBeNull();
  });

  it("maps lists 3, 4, 5, 7 and 8 to Curve referrals, assessments, s47, CP plans and looked-after episodes", async () => {
    const {records, issues, summary} = await parseFile("annex-a.xlsx");
    const of = (type: string) => records.filter((r) => r.type === type).map((r) => r.values);
    expect(of("referrals")).toEqual([
      {referral_id: `${CHILD_TOKEN}/2024-05-06`, referral_date: "2024-05-06", source: "2A", primary_concern: "other", outcome: "single_assessment", sex: "M", ethnicity: "White"},
      {referral_id: `${CHILD_TOKEN}/2024-09-12`, referral_date: "2024-09-12", source: "6", primary_concern: "other", outcome: "nfa", sex: "F", ethnicity: "Asian"},
      {referral_id: `${CHILD_TOKEN}/row-3`, referral_date: null, source: "3B", primary_concern: "other", outcome: "single_assessment", sex: "U", ethnicity: "Missing"}
    ]);
    expect(of("assessments")).toEqual([{assessment_id: `${CHILD_TOKEN}/assessment/2024-05-07`, referral_id: null, assessment_type: "single", start_date: "2024-05-07", completion_date: "2024-06-18", factors: null}]);
    expect(of("s47").map((s) => [s.start_date, s.icpc_date, s.outcome])).toEqual([["2024-05-08", "2024-05-29", "plan"], ["2024-09-13", null, "no_plan"]]);
    expect(of("cp_plans")).toEqual([{plan_id: `${CHILD_TOKEN}/plan/2024-05-29`, start_date: "2024-05-29", end_date: null, category: "EMO", plan_sequence: "1", factors: null, sex: "M", ethnicity: "White"}]);
    const cla = records.find((r) => r.type === "looked_after")!;
    expect(cla.values).toMatchObject({start_date: "2023-02-10", legal_status: "C2", placement: "U3", reason_ceased: null, sex: "F", ethnicity: "Black"});
    expect(cla.person).toEqual({childId: "AA10145", dob: "2012-01-19", placementPostcode: "LU4 9XQ"});
    expect(records[1].person).toEqual({childId: "AA10077", dob: "2009-11-30"});
    expect(records[1].origin).toEqual({file: "annex-a.xlsx", row: 2});
    expect(issues).toEqual([{row: 3, field: "Date of referral", rule: "annex-a-invalid-date", message: "List 3 row 3: 'Date of referral' is not a date (expected DD/MM/YYYY)"}]);
    expect(summary.rows).toBe(10);
    expect(summary.notMapped).toEqual(expect.arrayContaining([
      expect.stringMatching(/^annex-a:list-1 contacts \(1 rows\): Curve has no contacts extract/),
      expect.stringMatching(/^annex-a:list-6 children in need \(1 rows\)/)
    ]));
    expect(summary.notMapped).toHaveLength(6);
  });

  it("reports a renamed sheet as a missing list, naming the sheet it expected, and reads the rest", async () => {
    const {records, issues, summary} = await parseFile("annex-a-renamed.xlsx");
    expect(summary.readable).not.toBe(false);
    expect(issues).toEqual([{row: null, field: "List 3", rule: "annex-a-missing-sheet",
      message: "annex-a-renamed.xlsx has no sheet for List 3 (Referrals): expected a sheet named like 'List 3 - Referrals' (was it renamed?)"}]);
    expect(records.some((r) => r.type === "referrals")).toBe(false);
    expect(records.filter((r) => r.type === "s47")).toHaveLength(2);
  });

  it("never quotes an identifier in an issue", async () => {
    const all = [...(await parseFile("annex-a.xlsx")).issues, ...(await parseFile("annex-a-renamed.xlsx")).issues];
    expect(all.length).toBeGreaterThan(0);
    expectNoIdentifierIn(all, ANNEX_A_IDENTIFIERS);
  });
});
