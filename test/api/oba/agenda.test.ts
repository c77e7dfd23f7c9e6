import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseCatalogue} from "../../../api/oba/catalogue.js";
import {Reference} from "../../../api/reference.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Every measure a strategy names is in the catalogue: with data, or on the OBA data development agenda
 * with the source that would feed it, and a report card shows that tier instead of leaving it out.
 */

// The fourteen measures of section 12 of Luton's Early Help Strategy 2014–17, as the seed words them.
const EARLY_HELP_MEASURES = [
  /CAFS? completed/i, /CP Plans as a result of poor mental health, DV and substance misuse/i, /short breaks/i, /bullying/i,
  /school attendance/i, /persistent absenteeism and school exclusions/i, /attainment/i, /Participation Age/i, /NEET/i,
  /gang related offending/i, /extremist groups/i, /anti-social behaviour/i, /work \/ training for families/i, /integrated health, education and social care plans/i
];

const s = obaScratch("curve-agenda-");
beforeAll(async () => {
  // s47: 10 enquiries in 2012/13; 6 reach a conference, 4 of them within 15 working days (start Mon 4 June 2012).
  s.extract("s47", 2012, [
    ...Array.from({length: 4}, () => row("s47", {start_date: "2012-06-04", icpc_date: "2012-06-22"})), // 14 weekdays after
    ...Array.from({length: 2}, () => row("s47", {start_date: "2012-06-04", icpc_date: "2012-07-02"})), // 20 weekdays after
    ...Array.from({length: 4}, () => row("s47", {start_date: "2012-06-04", icpc_date: "", outcome: "no_plan"}))
  ]);
  // CP plans ending in 2012/13: 1 of 4 had lasted two years or more.
  s.extract("cp_plans", 2012, [
    row("cp_plans", {start_date: "2010-05-01", end_date: "2012-06-01"}),
    ...Array.from({length: 3}, () => row("cp_plans", {start_date: "2012-01-10", end_date: "2012-09-01"}))
  ]);
  expect((await s.run()).status).toBe("published");
});
afterAll(() => s.close());

describe("the catalogue holds every measure a strategy names", () => {
  it("maps each of the Early Help Strategy's fourteen measures to an indicator or an agenda item", () => {
    const c = new Reference().catalogue;
    const strategy = c.strategies.find((x) => x.id === "early-help-strategy-2014")!;
    expect(strategy.measures).toHaveLength(14);
    for (const pattern of EARLY_HELP_MEASURES) {
      const m = strategy.measures.find((x) => pattern.test(x.text));
      expect(m, String(pattern)).toBeDefined();
      expect(m!.indicators.length + m!.agenda.length).toBeGreaterThan(0);
    }
    for (const a of c.agenda) expect(a.source.length).toBeGreaterThan(10);
  });

  it("refuses a strategy measure that names nothing, or a name that is not in the catalogue", () => {
    const ind = new Reference().catalogue.indicators[0];
    expect(() => parseCatalogue({indicators: [ind], strategies: [{id: "s", name: "S", source: "x", measures: [{text: "m"}]}]})).toThrow(/must map to an indicator or an agenda item/);
    expect(() => parseCatalogue({indicators: [ind], strategies: [{id: "s", name: "S", source: "x", measures: [{text: "m", agenda: ["nope"]}]}]})).toThrow(/unknown agenda item 'nope'/);
  });

  it("/api/indicators lists the agenda with the source that would feed each measure", async () => {
    const {status, body} = await s.get("/api/indicators");
    expect(status).toBe(200);
    expect(body.agenda.map((a: any) => a.id)).toEqual(expect.arrayContaining(["bullying", "school-attendance", "youth-offending-fte", "anti-social-behaviour", "short-breaks-not-in-care"]));
    expect(body.agenda.every((a: any) => a.tier === "development" && a.hasData === false && a.wouldBeFedBy)).toBe(true);
    expect(body.strategies.map((x: any) => x.id)).toContain("early-help-strategy-2014");
    expect((await s.get("/api/indicators?tier=headline")).body.agenda).toEqual([]);
  });

  it("an agenda measure's series says it has no data yet and what would feed it, never 'unknown'", async () => {
    const {status, body} = await s.get("/api/indicators/bullying/series");
    expect(status).toBe(404);
    expect(body.error.code).toBe("no-data-yet");
    expect(body.error.message).toMatch(/data development agenda.*pupil survey/);
    expect((await s.get("/api/indicators/bullying")).body).toMatchObject({tier: "development", hasData: false});
  });

  it("the Early Help report card shows the agenda tier of each result", async () => {
    const {status, body} = await s.get("/api/scorecards/early-help-strategy");
    expect(status).toBe(200);
    const agenda = body.results.flatMap((r: any) => r.agenda.map((a: any) => a.id));
    expect(agenda).toEqual(expect.arrayContaining(["school-attendance", "bullying", "gang-related-offending", "integrated-plans"]));
    const item = body.results.flatMap((r: any) => r.agenda)[0];
    expect(item).toMatchObject({available: false, tier: "development"});
    expect(item.reason).toMatch(/data development agenda/);
  });
});

describe("LSCB measures computed from the existing extracts", () => {
  const latest = async (id: string) => {
    // Analysts see counts below the disclosure threshold; these tests are about the arithmetic.
    const {status, body} = await s.get(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2012/13`, "analyst");
    expect(status, JSON.stringify(body)).toBe(200);
    return body.points[0];
  };

  it("s47 → ICPC conversion is the share of enquiries that reached a conference", async () => {
    expect(await latest("s47-to-icpc")).toMatchObject({numerator: 6, denominator: 10, value: 60});
  });

  it("ICPC within 15 working days counts weekdays after the enquiry started", async () => {
    expect(await latest("icpc-within-15-days")).toMatchObject({numerator: 4, denominator: 6});
  });

  it("plans ending after two years or more are counted when they end", async () => {
    expect(await latest("cp-ending-2-years")).toMatchObject({numerator: 1, denominator: 4, value: 25});
  });
});

describe("data-quality notes travel with the figures they touch", () => {
  const q = obaScratch("curve-quality-");
  beforeAll(async () => {
    // CAFs every quarter of 2012/13 in every area but Central in Q4, as the published table has it.
    const areas = ["central", "north", "east", "south", "west"];
    const body = [];
    for (const [month, quarter] of [["05", 1], ["08", 2], ["11", 3], ["02", 4]] as const) {
      for (const area of areas) {
        if (area === "central" && quarter === 4) continue;
        for (let i = 0; i < 8; i++) body.push(row("early_help", {area, ward: "", completed_date: `${quarter === 4 ? 2013 : 2012}-${month}-1${i}`}));
      }
    }
    q.extract("early_help", 2012, body);
    expect((await q.run()).status).toBe("published");
  });
  afterAll(() => q.close());

  it("the Central 2012/13 Q4 blank is returned beside that figure, the borough's and the year's, and not beside other quarters", async () => {
    const central = (await q.get("/api/indicators/caf-completed/series?geography=area&code=central&period=quarter&from=2012/13 Q1&to=2012/13 Q4")).body;
    const byPeriod = Object.fromEntries(central.points.map((p: any) => [p.period, p.qualityNotes.map((n: string) => n.slice(0, 30))]));
    expect(byPeriod["2012/13 Q4"].some((n: string) => /Central's count of CAFs/.test(n))).toBe(true);
    expect(byPeriod["2012/13 Q2"].some((n: string) => /Central's count/.test(n))).toBe(false);
    const north = (await q.get("/api/indicators/caf-completed/series?geography=area&code=north&period=quarter&from=2012/13 Q4&to=2012/13 Q4")).body;
    expect(north.points[0].qualityNotes.some((n: string) => /Central's count/.test(n))).toBe(false);
    const borough = (await q.get("/api/indicators/caf-completed/series?period=financial-year&from=2012/13&to=2012/13")).body;
    expect(borough.points[0].qualityNotes.some((n: string) => /Central's count/.test(n))).toBe(true);
    const csv = await q.app.request("/api/indicators/caf-completed/series?period=financial-year&from=2012/13&to=2012/13&format=csv");
    expect(await csv.text()).toMatch(/qualityNotes[\s\S]*Central's count of CAFs/);
  });
});

describe("single-assessment timeliness", () => {
  const a = obaScratch("curve-single-");
  beforeAll(async () => {
    // Started Monday 2 June 2014: Monday 4 August is the 45th weekday after it, Tuesday 5 August the 46th.
    a.extract("assessments", 2014, [
      ...Array.from({length: 7}, () => row("assessments", {assessment_type: "single", start_date: "2014-06-02", completion_date: "2014-08-04"})),
      ...Array.from({length: 3}, () => row("assessments", {assessment_type: "single", start_date: "2014-06-02", completion_date: "2014-08-05"}))
    ]);
    expect((await a.run()).status).toBe("published");
  });
  afterAll(() => a.close());

  it("counts single assessments completed within 45 working days", async () => {
    const {body} = await a.get("/api/indicators/single-assessments-on-time/series?period=financial-year&from=2014/15&to=2014/15", "analyst");
    expect(body.points[0]).toMatchObject({numerator: 7, denominator: 10, value: 70});
  });
});
