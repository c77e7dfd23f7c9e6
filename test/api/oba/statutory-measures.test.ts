import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * The measures that come from the CIN census's episodes and reviews and from the SSDA903 Missing,
 * OC2 and OC3 tables, each on a handful of records whose answer is worked out by hand below.
 * Everything is read for 2012/13 (31 March 2013) as an analyst, so no count is suppressed.
 */

const s = obaScratch("curve-statutory-measures-");
const plan = (id: string, start: string) => row("cp_plans", {plan_id: id, start_date: start});
const review = (planId: string, date: string) => row("cp_reviews", {plan_id: planId, review_date: date});
const episode = (child: number, start: string, end: string, rne: string, over: Record<string, string> = {}) =>
  row("looked_after", {child_key: child, start_date: start, end_date: end, rne, ...over});

beforeAll(async () => {
  // Plans open at 31 March 2013 that had lasted three months: P1 reviewed on time throughout; P2's first
  // review late; P3 never reviewed; P5's second review overdue by 31 March. P4 began in February: too new to count.
  s.extract("cp_plans", 2012, [plan("P821-900001", "2012-06-01"), plan("P821-900002", "2012-06-01"), plan("P821-900003", "2012-06-01"),
    plan("P821-900004", "2013-02-01"), plan("P821-900005", "2012-06-01")]);
  s.extract("cp_reviews", 2012, [review("P821-900001", "2012-08-30"), review("P821-900001", "2013-02-20"), review("P821-900002", "2012-09-15"),
    review("P821-900005", "2012-08-01")]);

  // Children in need: three episodes open at 31 March 2013, one closed in December, one no-further-action referral.
  s.extract("cin_episodes", 2012, [
    row("cin_episodes", {referral_date: "2012-05-01"}), row("cin_episodes", {referral_date: "2011-11-20", closure_date: "2013-05-01"}),
    row("cin_episodes", {referral_date: "2013-03-31"}), row("cin_episodes", {referral_date: "2012-06-01", closure_date: "2012-12-01"}),
    row("cin_episodes", {referral_date: "2012-06-15", closure_date: "2012-06-15", referral_nfa: "Y"})
  ]);

  // Looked after at 31 March 2013 (placements in the 12 months; period of care since):
  // A 3 placements (held in April, then two moves); B 1 (a legal status change is no move); C 2 (started, then a
  // move with the same carer, then a legal change); D short-term breaks (V3): left out. E, F, G in care since
  // January 2010: E in the same placement since June 2010, F moved in January 2012, G placed for adoption in
  // October 2011 after 21 months in the placement before; H in care only since January 2011; I is 16.
  s.extract("looked_after", 2009, [episode(5, "2010-01-01", "2010-06-01", "S"), episode(7, "2010-01-01", "2011-10-01", "S")]);
  s.extract("looked_after", 2010, [episode(5, "2010-06-01", "", "P"), episode(6, "2010-01-01", "2012-01-01", "S")]);
  s.extract("looked_after", 2011, [episode(6, "2012-01-01", "", "P"), episode(7, "2011-10-01", "", "P", {placement: "A4"}),
    episode(8, "2011-01-01", "", "S"), episode(9, "2009-01-01", "", "S", {birth_month: "1996-05"})]);
  s.extract("looked_after", 2012, [
    episode(1, "2011-01-01", "2012-06-01", "S"), episode(1, "2012-06-01", "2012-10-01", "P"), episode(1, "2012-10-01", "", "P"),
    episode(2, "2011-01-01", "2012-08-01", "S"), episode(2, "2012-08-01", "", "L"),
    episode(3, "2012-05-01", "2012-07-01", "S"), episode(3, "2012-07-01", "2012-12-01", "T"), episode(3, "2012-12-01", "", "L"),
    episode(4, "2012-04-10", "", "S", {legal_status: "V3"})
  ]);

  // Missing: X went missing twice and was once away without authorisation; Y missing once; Z only away.
  s.extract("cla_missing", 2012, [
    row("cla_missing", {child_key: 20, start_date: "2012-05-01"}), row("cla_missing", {child_key: 20, start_date: "2012-07-01", end_date: "2012-07-03"}),
    row("cla_missing", {child_key: 20, missing_type: "A", start_date: "2012-08-01", end_date: "2012-08-01"}),
    row("cla_missing", {child_key: 21, start_date: "2013-01-10", end_date: ""}),
    row("cla_missing", {child_key: 22, missing_type: "A", start_date: "2012-06-01", end_date: "2012-06-02"})
  ]);

  // OC2: four children looked after for 12 months at 31 March 2013.
  s.extract("cla_health", 2012, [
    row("cla_health", {health_check: "Y", teeth_check: "Y"}), row("cla_health", {health_check: "Y", teeth_check: "N"}),
    row("cla_health", {health_check: "Y", teeth_check: "N"}), row("cla_health", {health_check: "N", teeth_check: "N"})
  ]);

  // OC3: care leavers aged 19, 20, 21 and 19 (not in touch) at 31 March 2013, and one aged 18 (outside 19-21).
  s.extract("care_leavers", 2012, [
    row("care_leavers", {birth_month: "1993-05", activity: "F2", accommodation: "U1"}),
    row("care_leavers", {birth_month: "1992-05", activity: "G5", accommodation: "S2"}),
    row("care_leavers", {birth_month: "1991-05", activity: "P4", accommodation: "0"}),
    row("care_leavers", {birth_month: "1993-06", in_touch: "NO", activity: "0", accommodation: "0"}),
    row("care_leavers", {birth_month: "1994-05", activity: "F1", accommodation: "U1"})
  ]);
  const result = await s.run();
  expect(result.status).toBe("published");
});
afterAll(() => s.close());

const point = async (id: string) => {
  const {status, body} = await s.get(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2012/13`, "analyst");
  expect(status, JSON.stringify(body)).toBe(200);
  return body.points[0];
};

describe("measures from the CIN census's episodes and reviews", () => {
  it("counts a plan as reviewed in time only when every review was on time and none is overdue, among plans of three months or more", async () => {
    expect(await point("cp-reviews-in-time")).toMatchObject({numerator: 1, denominator: 4, value: 25});
  });

  it("counts children in need at the period end from episodes open then, per 10,000 children under 18", async () => {
    const p = await point("cin-rate");
    expect(p.numerator).toBe(3);
    expect(p.denominator).toBeGreaterThan(0);
    expect(p.value).toBeCloseTo((3 / p.denominator) * 10000, 6);
  });
});

describe("placement stability from SSDA903 episodes", () => {
  it("counts placements in the year as the one held at its start plus every episode that changed the placement", async () => {
    // Eight children in care at 31 March 2013 (D on short breaks is left out); only A had three placements.
    expect(await point("cla-3-placements")).toMatchObject({numerator: 1, denominator: 8, value: 12.5});
  });

  it("counts children under 16 in care 2.5 years who stayed 2 years in one placement or were placed for adoption", async () => {
    expect(await point("cla-placement-2-5-years")).toMatchObject({numerator: 2, denominator: 3});
  });
});

describe("measures from the SSDA903 Missing, OC2 and OC3 tables", () => {
  it("counts each child who went missing once a year, and every missing episode, leaving out 'away without authorisation'", async () => {
    expect((await point("cla-missing")).numerator).toBe(2);
    expect((await point("cla-missing-episodes")).numerator).toBe(3);
  });

  it("gives health and dental checks as shares of the children in the OC2 table", async () => {
    expect(await point("cla-health-checks")).toMatchObject({numerator: 3, denominator: 4, value: 75});
    expect(await point("cla-dental-checks")).toMatchObject({numerator: 1, denominator: 4, value: 25});
  });

  it("gives care leavers aged 19-21 in education, employment or training and in suitable accommodation, counting those not in touch", async () => {
    expect(await point("care-leavers-eet")).toMatchObject({numerator: 2, denominator: 4, value: 50});
    expect(await point("care-leavers-accommodation")).toMatchObject({numerator: 1, denominator: 4, value: 25});
  });
});

describe("the catalogue lists the new measures", () => {
  it("/api/indicators lists each with data, and none of them stays on the data development agenda", async () => {
    const {body} = await s.get("/api/indicators");
    const ids = ["cp-reviews-in-time", "cin-rate", "cla-3-placements", "cla-placement-2-5-years", "cla-missing", "cla-missing-episodes",
      "cla-health-checks", "cla-dental-checks", "cla-immunisations", "care-leavers-eet", "care-leavers-accommodation"];
    const listed = JSON.stringify(body);
    for (const id of ids) {
      const entry = (body.indicators as {id: string; tier: string}[]).find((i) => i.id === id);
      expect(entry, id).toBeDefined();
      expect(entry!.tier).not.toBe("development");
    }
    expect((body.agenda ?? []).map((a: {id: string}) => a.id)).not.toEqual(expect.arrayContaining(["cla-missing"]));
    expect(listed).toContain("SSDA903");
  });
});
