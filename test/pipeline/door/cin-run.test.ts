import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {obaScratch} from "../../helpers/oba.js";
import type {RunRecord} from "../../../pipelines/run.js";
import {dropReturn, FIXTURES, leaks, RETURN_2013, RETURN_2014, tempChildKey} from "./fixtures.js";

/**
 * Luton (821) drops the CIN census it sent DfE for 2012-13, the SSD address table its case system
 * exports and its postcode → ward lookup: the run publishes referrals, assessments, section 47
 * enquiries and child protection plans with wards, and the API serves their indicators.
 */

const CIN = join(FIXTURES, "cin821");
const s = obaScratch("curve-cin-run-");
let first: RunRecord;

async function run(): Promise<RunRecord> {
  const {runPipeline} = await import("../../../pipelines/run.js");
  return runPipeline({inbox: s.inbox, warehouseDir: s.warehouseDir, referenceDir: "data/reference"}, {clock: () => new Date("2026-11-23T12:00:00Z")});
}

beforeAll(async () => {
  tempChildKey();
  mkdirSync(join(s.inbox, "821"), {recursive: true});
  // Names are arbitrary: the census says its own authority and year, the address table its folder's.
  copyFileSync(join(CIN, "cin-census-2012-13.xml"), join(s.inbox, "821", "CIN return final.xml"));
  copyFileSync(join(CIN, "ssd_address.csv"), join(s.inbox, "821", "addresses export.csv"));
  copyFileSync(join(FIXTURES, "postcode-wards.csv"), join(s.inbox, "postcode lookup.csv"));
  dropReturn(s.inbox, "886", RETURN_2013);
  first = await run();
  expect(first.status, first.message).toBe("published");
}, 120_000);

afterAll(() => s.close());

describe("a CIN census with an SSD address table and a postcode lookup", () => {
  it("publishes referrals with the concern, outcome and ward each child lived in on the referral date", async () => {
    const rows = await s.query<{referral_date: string; source: string; primary_concern: string; outcome: string; sex: string; ethnicity: string; ward: string | null; birth_month: string}>(
      `SELECT referral_date::VARCHAR AS referral_date, source, primary_concern, outcome, sex, ethnicity, ward, birth_month FROM referrals WHERE la_code = '821' ORDER BY referral_date`);
    expect(rows).toEqual([
      {referral_date: "2012-05-03", source: "5A", primary_concern: "child_protection", outcome: "initial_assessment", sex: "M", ethnicity: "White", ward: "biscot", birth_month: "2006-04"},
      // N4 reads as general childcare (data/reference/cin-need-concerns.json), factor 3A notwithstanding; the child moved in January, after it.
      {referral_date: "2012-07-14", source: "1A", primary_concern: "general_childcare", outcome: "initial_assessment", sex: "F", ethnicity: "Asian", ward: "farley", birth_month: "2010-09"},
      // The placement address (out of area) is never a home ward.
      {referral_date: "2012-10-02", source: "3B", primary_concern: "other", outcome: "nfa", sex: "M", ethnicity: "Black", ward: "dallow", birth_month: "2000-01"},
      // No address for this child: no ward, and still counted in the borough's figures.
      {referral_date: "2013-01-10", source: "2A", primary_concern: "other", outcome: "initial_assessment", sex: "F", ethnicity: "Mixed", ward: null, birth_month: "2011-03"}
    ]);
  });

  it("publishes each CIN episode from referral to closure, and each CP review joined to its plan by the plan's keyed id", async () => {
    const episodes = await s.query<{referral_date: string; closure_date: string | null; primary_need: string | null; closure_reason: string | null; referral_nfa: string; ward: string | null}>(
      `SELECT referral_date::VARCHAR AS referral_date, closure_date::VARCHAR AS closure_date, primary_need, closure_reason, referral_nfa, ward
       FROM cin_episodes WHERE la_code = '821' ORDER BY referral_date`);
    expect(episodes).toEqual([
      {referral_date: "2012-05-03", closure_date: null, primary_need: "N1", closure_reason: null, referral_nfa: "N", ward: "biscot"},
      {referral_date: "2012-07-14", closure_date: null, primary_need: "N4", closure_reason: null, referral_nfa: "N", ward: "farley"},
      {referral_date: "2012-10-02", closure_date: "2012-10-04", primary_need: null, closure_reason: "RC8", referral_nfa: "Y", ward: "dallow"},
      {referral_date: "2013-01-10", closure_date: null, primary_need: "N2", closure_reason: null, referral_nfa: "N", ward: null}
    ]);
    const reviews = await s.query<{review_date: string; plan_start: string | null}>(
      `SELECT r.review_date::VARCHAR AS review_date, p.start_date::VARCHAR AS plan_start FROM cp_reviews r LEFT JOIN cp_plans p USING (plan_id, la_code) WHERE r.la_code = '821'`);
    expect(reviews).toEqual([{review_date: "2012-08-18", plan_start: "2012-05-20"}]);
  });

  it("publishes initial assessments, s47 outcomes and CP plans, joined to their referrals by keyed ids", async () => {
    const assessments = await s.query<{start_date: string; assessment_type: string; factors: string[] | null; ward: string | null; joined: boolean}>(
      `SELECT a.start_date::VARCHAR AS start_date, a.assessment_type, a.factors, a.ward, r.referral_id IS NOT NULL AS joined
       FROM assessments a LEFT JOIN referrals r USING (referral_id) WHERE a.la_code = '821' ORDER BY a.start_date`);
    expect(assessments).toEqual([
      {start_date: "2012-05-04", assessment_type: "initial", factors: ["2A"], ward: "biscot", joined: true},
      {start_date: "2012-07-16", assessment_type: "initial", factors: ["3A", "4B"], ward: "farley", joined: true},
      {start_date: "2013-01-11", assessment_type: "initial", factors: null, ward: null, joined: true}
    ]);
    const s47 = await s.query<{start_date: string; icpc_date: string | null; outcome: string}>(
      `SELECT start_date::VARCHAR AS start_date, icpc_date::VARCHAR AS icpc_date, outcome FROM s47 WHERE la_code = '821' ORDER BY start_date`);
    expect(s47).toEqual([
      {start_date: "2012-05-06", icpc_date: "2012-05-20", outcome: "plan"},
      {start_date: "2012-07-18", icpc_date: "2012-08-01", outcome: "plan"},
      {start_date: "2013-01-12", icpc_date: null, outcome: "no_plan"}
    ]);
    const plans = await s.query<{start_date: string; end_date: string | null; category: string; plan_sequence: number; ward: string; sex: string}>(
      `SELECT start_date::VARCHAR AS start_date, end_date::VARCHAR AS end_date, category, plan_sequence::INTEGER AS plan_sequence, ward, sex FROM cp_plans WHERE la_code = '821' ORDER BY start_date`);
    expect(plans).toEqual([
      {start_date: "2012-05-20", end_date: null, category: "NEG", plan_sequence: 1, ward: "biscot", sex: "M"},
      {start_date: "2012-08-01", end_date: "2013-02-01", category: "EMO", plan_sequence: 2, ward: "farley", sex: "F"}
    ]);
    const ids = await s.query<{id: string}>(`SELECT referral_id AS id FROM referrals WHERE la_code = '821' UNION ALL SELECT plan_id FROM cp_plans WHERE la_code = '821'`);
    expect(ids.every((r) => /^[0-9a-f]{16}\//.test(r.id))).toBe(true);
  });

  it("serves the CP rate and referrals series for the authority through the API", async () => {
    const q = "geography=borough&code=821&period=financial-year&from=2012/13&to=2012/13";
    const referrals = await s.get(`/api/indicators/referrals/series?${q}`, "analyst");
    expect(referrals.status).toBe(200);
    expect(referrals.body.points.map((p: any) => [p.period, p.numerator ?? p.value])).toEqual([["2012/13", 4]]);
    const cp = await s.get(`/api/indicators/cp-rate/series?${q}`, "analyst");
    expect(cp.status).toBe(200);
    expect(cp.body.points.map((p: any) => p.period)).toEqual(["2012/13"]);
    // One plan open on 31 March 2013 (the other ended in February).
    expect(cp.body.points[0].numerator).toBe(1);
    const wards = await s.get(`/api/indicators/referrals/series?geography=ward&code=farley&period=financial-year&from=2012/13&to=2012/13`, "analyst");
    expect(wards.status).toBe(200);
    expect(wards.body.points[0].numerator ?? wards.body.points[0].value).toBe(1);
  });

  it("says what it made of each file, and that the lookup and the address table were used", () => {
    const door = Object.fromEntries(first.door!.map((d) => [d.file, d]));
    expect(door["821/CIN return final.xml"]).toMatchObject({format: "cin-census", la: "821", year: 2013, outcome: "used"});
    expect(door["821/addresses export.csv"]).toMatchObject({format: "ssd:address", la: "821", outcome: "used"});
    expect(leaks(JSON.stringify(first))).toEqual([]);
  });
});

describe("a truncated CIN census beside a good 903 return", () => {
  it("refuses the census by name, loads the 903 return, and keeps the authority's earlier CIN data", async () => {
    const before = await s.query<{n: number}>(`SELECT (SELECT count(*) FROM referrals WHERE la_code = '821') + (SELECT count(*) FROM cp_plans WHERE la_code = '821')::INTEGER AS n`);
    const whole = readFileSync(join(CIN, "cin-census-2012-13.xml"), "utf8");
    // Cut in the third child: two children's records were read before the break, and none may load.
    writeFileSync(join(s.inbox, "821", "CIN return final.xml"), whole.slice(0, whole.indexOf("CIN8210003") + 4));
    dropReturn(s.inbox, "886/2013-14", RETURN_2014);
    const second = await run();
    expect(second.status).toBe("published");
    const cin = second.door!.find((d) => d.file === "821/CIN return final.xml")!;
    expect(cin.outcome).toBe("refused");
    expect(cin.message).toMatch(/^the cin-census return for authority 821, 2012-13 is incomplete and was not loaded; the earlier data stays: 821\/CIN return final\.xml could not be used \(CIN return final\.xml is not well-formed XML \(the file ends early: is it truncated\?\)/);
    expect(second.door!.find((d) => d.file === "886/2013-14/SSDA903_2014_Episodes.csv")).toMatchObject({format: "ssda903:episodes", outcome: "used"});
    const loaded = await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM extract_loads WHERE la_code = '886' AND extract_type = 'looked_after' AND collection_year = 2013`);
    expect(loaded[0].n).toBe(1);
    expect(await s.query(`SELECT (SELECT count(*) FROM referrals WHERE la_code = '821') + (SELECT count(*) FROM cp_plans WHERE la_code = '821')::INTEGER AS n`)).toEqual(before);
    expect(leaks(JSON.stringify(second))).toEqual([]);
  }, 120_000);
});
