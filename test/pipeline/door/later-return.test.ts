import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {parse} from "csv-parse/sync";
import {afterAll, describe, expect, it, vi} from "vitest";
import {cinCensusImporter} from "../../../pipelines/door/cin-census.js";
import {DOOR_READ_CACHE} from "../../../pipelines/door/read-cache.js";
import {openDoor, type DoorResult} from "../../../pipelines/door/door.js";
import {ChildKeys} from "../../../pipelines/door/identity.js";
import {REFERRAL_HEADER, referral, scratch} from "../../helpers/warehouse.js";
import {tempChildKey} from "./fixtures.js";

/**
 * A return is made on 31 March with what was known then. An assessment started in March and
 * completed in April, or an enquiry whose conference fell in April, is open in that year's census
 * and complete only in the next, where it is dated in the earlier year. The later copy must reach
 * the earlier year, or the completion is lost (and assessment timeliness undercounted).
 */

const root = mkdtempSync(join(tmpdir(), "curve-later-return-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));

// Synthetic: the id, dates and codes are invented.
function census(year: number, assessment: string, s47: string, plan: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>${year}</Year><ReferenceDate>${year}-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>821</LEA></Source></Header>
<Children><Child>
<ChildIdentifiers><LAchildID>LATE0001</LAchildID><PersonBirthDate>2008-02-01</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2013-03-18</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
<Assessments><AssessmentActualStartDate>2013-03-20</AssessmentActualStartDate>${assessment}</Assessments>
<Section47><S47ActualStartDate>2013-03-25</S47ActualStartDate><InitialCPCtarget>2013-04-15</InitialCPCtarget>${s47}<ICPCnotRequired>0</ICPCnotRequired></Section47>
<ReferralNFA>0</ReferralNFA>${plan}
</CINdetails></Child></Children></Message>
`;
}

const completed = "<AssessmentAuthorisationDate>2013-04-10</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment>";
const icpc = "<DateOfInitialCPC>2013-04-12</DateOfInitialCPC>";
const plan = "<ChildProtectionPlans><CPPstartDate>2013-04-12</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP><SeenSocialWorker>1</SeenSocialWorker></ChildProtectionPlans>";

async function door(files: Record<string, string>, name: string): Promise<DoorResult> {
  const inbox = join(root, name, "inbox");
  mkdirSync(inbox, {recursive: true});
  for (const [file, xml] of Object.entries(files)) writeFileSync(join(inbox, file), xml);
  return openDoor(Object.keys(files).map((f) => join(inbox, f)), {
    inbox, asOf: new Date("2014-06-01T00:00:00Z"), keys: () => new ChildKeys(Buffer.alloc(32, 7)), postcodes: null, stageDir: join(root, name, "stage")
  });
}

/** A scratch warehouse for authority 821, and how to drop a census in its inbox folder. */
function council(prefix: string) {
  const s = scratch(prefix);
  mkdirSync(join(s.inbox, "821"), {recursive: true});
  return {...s, putCensus: (name: string, xml: string) => writeFileSync(join(s.inbox, "821", name), xml)};
}

/** A published table's rows as sorted JSON, without load ids (they name the run). */
const publishedRows = (s: ReturnType<typeof council>, table: string) =>
  s.query<{r: string}>(`SELECT to_json(x)::VARCHAR AS r FROM (SELECT * EXCLUDE (load_id) FROM ${table}) x ORDER BY r`);

const staged = (result: DoorResult, type: string, period: string) =>
  parse(readFileSync(result.staged.find((g) => g.type === type && g.period === period)!.path, "utf8"), {columns: true}) as Record<string, string>[];

describe("a later return's copy of an earlier year's event", () => {
  it("gives 2012-13 the completion and factors of an assessment the 2013-14 census completed in April", async () => {
    const result = await door({"2013.xml": census(2013, "", "", ""), "2014.xml": census(2014, completed, icpc, plan)}, "both");
    const assessments = staged(result, "assessments", "2012-13");
    expect(assessments.map((a) => [a.start_date, a.completion_date, a.factors])).toEqual([["2013-03-20", "2013-04-10", "3B"]]);
    // The referral, assessment and enquiry all come from the 2013-14 copy. Nothing dated 2012-13 is staged in 2013-14: the event stays in its own year.
    expect(result.staged.some((g) => g.type === "assessments" && g.period === "2013-14")).toBe(false);
    expect(staged(result, "s47", "2012-13").map((q) => [q.icpc_date, q.outcome])).toEqual([["2013-04-12", "plan"]]);
    expect(result.staged.find((g) => g.period === "2012-13")!.warnings.join(" ")).toMatch(/3 record\(s\) were taken from a later return/);
    result.cleanup();
  });

  it("keeps the earlier return's values when no later return holds the event", async () => {
    const result = await door({"2013.xml": census(2013, "", "", "")}, "alone");
    expect(staged(result, "assessments", "2012-13").map((a) => a.completion_date)).toEqual([""]);
    expect(staged(result, "s47", "2012-13").map((q) => q.outcome)).toEqual(["pending"]);
    result.cleanup();
  });

  it("counts a later return's copies of years neither the inbox nor the warehouse holds, rather than dropping them without a word", async () => {
    const result = await door({"2014.xml": census(2014, completed, icpc, plan)}, "later-alone");
    expect(result.staged.some((g) => g.period === "2012-13")).toBe(false);
    const warnings = result.staged.find((g) => g.period === "2013-14")!.warnings.join(" ");
    expect(warnings).toMatch(/3 record\(s\) dated in earlier years no return in the inbox or the warehouse holds \(2012-13: 3\) were not loaded/);
    expect(warnings).not.toMatch(/Put them back/);
    result.cleanup();
  });

  it("says when the earlier year's return is in the inbox but does not hold the later return's event", async () => {
    const other = census(2013, "", "", "").replace("LATE0001", "OTHER0001");
    const result = await door({"2013.xml": other, "2014.xml": census(2014, completed, icpc, plan)}, "not-held");
    const warnings = result.staged.find((g) => g.period === "2013-14")!.warnings.join(" ");
    expect(warnings).toMatch(/3 record\(s\) dated in earlier years \(2012-13: 3\) were not loaded from this return: those years' returns in the inbox do not hold them/);
    expect(warnings).not.toMatch(/no return in the inbox or the warehouse/);
    result.cleanup();
  });

  it("gives no such warning when the earlier year's return took every copy", async () => {
    const result = await door({"2013.xml": census(2013, "", "", ""), "2014.xml": census(2014, completed, icpc, plan)}, "both-again");
    for (const g of result.staged) expect(g.warnings.join(" ")).not.toMatch(/were not (loaded|applied) from this return/);
    result.cleanup();
  });

  it("ignores the copy of a later return that is refused (not well-formed), so the earlier year keeps its own values", async () => {
    const broken = census(2014, completed, icpc, plan).replace("</Children>", "");
    const result = await door({"2013.xml": census(2013, "", "", ""), "2014.xml": broken}, "refused");
    expect(result.outcomes.find((o) => o.file === "2014.xml")!.outcome).toBe("refused");
    expect(staged(result, "assessments", "2012-13").map((a) => a.completion_date)).toEqual([""]);
    result.cleanup();
  });
});

describe("a council that takes last year's census out of the inbox", () => {
  it("is told the April completions were not applied to the year the warehouse holds, gets them by putting it back, and keeps them when the later census leaves", async () => {
    tempChildKey();
    const s = council("curve-later-run-");
    const put = s.putCensus;
    const completions = async () => (await s.query<{c: string | null}>(
      "SELECT CAST(completion_date AS VARCHAR) AS c FROM assessments WHERE CAST(start_date AS VARCHAR) = '2013-03-20'")).map((r) => r.c);

    put("cin-2013.xml", census(2013, "", "", ""));
    expect((await s.run()).status).toBe("published");
    expect(await completions()).toEqual([null]);

    rmSync(join(s.inbox, "821", "cin-2013.xml"));
    put("cin-2014.xml", census(2014, completed, icpc, plan));
    const alone = await s.run();
    expect(alone.status).toBe("published");
    const said = alone.extracts.flatMap((e) => e.warnings).join(" ");
    expect(said).toMatch(/3 record\(s\) of years the warehouse holds \(2012-13: 3\) were not applied from this return/);
    expect(said).toMatch(/Put them back and run again/);
    expect(await completions()).toEqual([null]);

    put("cin-2013.xml", census(2013, "", "", ""));
    const both = await s.run();
    expect(both.status).toBe("published");
    expect(both.extracts.flatMap((e) => e.warnings).join(" ")).not.toMatch(/were not applied/);
    expect(await completions()).toEqual(["2013-04-10"]);

    // Taking the later census out again reads nothing: the completion it brought stays.
    rmSync(join(s.inbox, "821", "cin-2014.xml"));
    expect((await s.run()).status).toBe("unchanged");
    expect(await completions()).toEqual(["2013-04-10"]);
    rmSync(s.root, {recursive: true, force: true});
  }, 120_000);
});

describe("a run that brings only a Curve extract beside returns already read", () => {
  it("does not read the returns again, publishes the same statutory rows, and reads them once the financial year turns", async () => {
    tempChildKey();
    const s = council("curve-door-skip-");
    s.putCensus("cin-2013.xml", census(2013, "", "", ""));
    s.putCensus("cin-2014.xml", census(2014, completed, icpc, plan));
    const rows = () => publishedRows(s, "assessments");
    const first = await s.run();
    expect(first.status).toBe("published");
    expect(first.door!.map((d) => d.outcome)).toEqual(["used", "used"]);
    const before = await rows();

    // Early help's monthly extract arrives: the two censuses are not parsed, keyed or staged again.
    s.put("referrals_821_2015-16.csv", [REFERRAL_HEADER, referral(1, {referral_date: "2015-06-15"})].join("\n") + "\n");
    const curveOnly = await s.run();
    expect(curveOnly.status).toBe("published");
    expect(curveOnly.door).toEqual([]);
    expect(curveOnly.extracts.map((e) => [e.file, e.outcome])).toEqual([["referrals_821_2015-16.csv", "loaded"]]);
    expect(await rows()).toEqual(before);
    expect(await s.query("SELECT referral_id FROM referrals WHERE referral_date = DATE '2015-06-15'")).toHaveLength(1);

    // In the next financial year open records reach a new year, so the returns are read again.
    s.put("referrals_821_2016-17.csv", [REFERRAL_HEADER, referral(2, {referral_date: "2016-06-15"})].join("\n") + "\n");
    const nextYear = await s.run(new Date("2027-05-01T12:00:00Z"));
    expect(nextYear.status).toBe("published");
    expect(nextYear.door!.map((d) => d.outcome)).toEqual(["used", "used"]);
    expect(await rows()).toEqual(before);
    rmSync(s.root, {recursive: true, force: true});
  }, 120_000);
});

describe("a council adding next year's census beside the years it keeps", () => {
  it("parses only the new census (earlier ones replay from the door's read cache) and publishes what a build from scratch does", async () => {
    tempChildKey();
    const kept = council("curve-read-cache-run-");
    kept.putCensus("cin-2013.xml", census(2013, "", "", ""));
    expect((await kept.run()).status).toBe("published");
    expect(readdirSync(join(kept.warehouseDir, DOOR_READ_CACHE)).filter((f) => f.endsWith(".bin"))).toHaveLength(1);

    const parsed = vi.spyOn(cinCensusImporter, "read");
    kept.putCensus("cin-2014.xml", census(2014, completed, icpc, plan));
    expect((await kept.run()).status).toBe("published");
    expect(parsed.mock.calls.map(([path]) => path.replace(/.*\//, ""))).toEqual(["cin-2014.xml"]);
    parsed.mockRestore();

    const fresh = council("curve-read-cache-fresh-");
    for (const f of ["cin-2013.xml", "cin-2014.xml"]) fresh.putCensus(f, readFileSync(join(kept.inbox, "821", f), "utf8"));
    expect((await fresh.run()).status).toBe("published");
    for (const table of ["referrals", "assessments", "s47", "cp_plans"]) {
      const built = await publishedRows(fresh, table);
      expect(built.length).toBeGreaterThan(0);
      expect(await publishedRows(kept, table)).toEqual(built);
    }
    expect(await kept.query("SELECT CAST(completion_date AS VARCHAR) AS c FROM assessments")).toEqual([{c: "2013-04-10"}]);
    for (const s of [kept, fresh]) rmSync(s.root, {recursive: true, force: true});
  }, 120_000);
});
