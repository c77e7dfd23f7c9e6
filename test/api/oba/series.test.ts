import {readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {obaScratch, row, rows, TARGET} from "../../helpers/oba.js";

/**
 * Indicator series over a scratch warehouse built by the real pipeline from small fixtures, each
 * shaped to one rule.
 */

const s = obaScratch();

// Luton children aged 0-17 in the committed population file, by year (and in the target wards).
const population = readFileSync("data/reference/population.csv", "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
const children = (year: number, wards?: string[]) => population
  .filter(([la, ward, y, age]) => la === "821" && +y === year && +age <= 17 && (!wards || wards.includes(ward)))
  .reduce((sum, r) => sum + Number(r[4]), 0);

beforeAll(async () => {
  // Looked after in 2012/13: 60 open at 31 March 2013 (40 in biscot, 20 in farley); one ended on 31 March
  // (not counted), one started on 1 April 2013 is in the next file; 3 in bramingham started in 2011/12.
  s.extract("looked_after", 2012, [
    ...rows("looked_after", 40, (i) => ({ward: "biscot", start_date: "2012-05-01", birth_month: `${2012 - (i % 17)}-01`})),
    ...rows("looked_after", 20, () => ({ward: "farley", start_date: "2012-09-01"})),
    row("looked_after", {ward: "farley", start_date: "2012-09-01", end_date: "2013-03-31"})
  ]);
  s.extract("looked_after", 2011, rows("looked_after", 3, () => ({ward: "bramingham", start_date: "2011-06-01", end_date: "2012-06-01"})));
  s.extract("looked_after", 2013, [row("looked_after", {ward: "biscot", start_date: "2013-04-01"})]);
  // Referrals 2012/13: child 1 referred in May and again in November (a re-referral); child 2 referred in
  // April 2011 and May 2012 (13 months: not one); 8 other children once. Police (6) 4, schools (2A) 6.
  s.extract("referrals", 2011, [row("referrals", {child_key: 2, referral_date: "2011-04-10"})]);
  s.extract("referrals", 2012, [
    row("referrals", {child_key: 1, referral_date: "2012-05-01", outcome: "nfa", source: "2A"}),
    row("referrals", {child_key: 1, referral_date: "2012-11-01", source: "2A"}),
    row("referrals", {child_key: 2, referral_date: "2012-05-11", outcome: "single_assessment", source: "2A"}),
    ...rows("referrals", 8, (i) => ({child_key: 100 + i, referral_date: "2012-07-01", source: i < 4 ? "6" : "2A", outcome: i < 2 ? "signposted" : "initial_assessment"}))
  ]);
  // Initial assessments 2012/13: Friday 1 June → Friday 15 June is 10 weekdays (on time), → Monday 18 June is 11.
  s.extract("assessments", 2012, [
    ...rows("assessments", 6, () => ({start_date: "2012-06-01", completion_date: "2012-06-15"})),
    ...rows("assessments", 4, () => ({start_date: "2012-06-01", completion_date: "2012-06-18"})),
    ...rows("assessments", 5, () => ({assessment_type: "core", start_date: "2012-06-01", completion_date: "2012-09-30"}))
  ]);
  // CP plans starting 2012/13: 12, of which 3 second plans and 7 with toxic-trio factors.
  s.extract("cp_plans", 2012, rows("cp_plans", 12, (i) => ({start_date: "2012-08-01", plan_sequence: i < 3 ? 2 : 1, factors: i < 4 ? "3A" : i < 6 ? "4B;5A" : i < 7 ? "2B" : "21", category: i < 6 ? "NEG" : "EMO", ward: i < 8 ? "biscot" : "farley"})));
  // NEET: November 2013 snapshot, 40 EET, 10 NEET, 5 unknown; an October row that does not count.
  s.extract("participation", 2013, [
    ...rows("participation", 40, () => ({snapshot_date: "2013-11-30", birth_month: "1996-05"})),
    ...rows("participation", 10, () => ({snapshot_date: "2013-11-30", birth_month: "1996-05", activity: "NEET"})),
    ...rows("participation", 5, () => ({snapshot_date: "2013-11-30", birth_month: "1996-05", activity: "unknown"})),
    row("participation", {snapshot_date: "2013-10-31", birth_month: "1996-05", activity: "NEET"})
  ]);
  // Leeds: 12 children started care in 2012/13, 5 of them babies under 1.
  s.extract("looked_after", 2012, rows("looked_after", 12, (i) => ({la_code: "383", ward: i % 2 ? "leeds-jess" : "leeds-inner-east", start_date: "2012-10-01", birth_month: i < 5 ? "2012-03" : "2008-03"})), "383");
  s.extract("marac", 2012, rows("marac", 7, () => ({meeting_date: "2012-06-15"})));
  const rec = await s.run();
  expect(rec.status).toBe("published");
  expect(rec.extracts.every((e) => e.rowsQuarantined === 0)).toBe(true);
});
afterAll(() => s.close());

const series = async (id: string, query = "") => s.get(`/api/indicators/${id}/series${query ? `?${query}` : ""}`);

describe("GET /api/indicators", () => {
  it("lists the catalogue with definitions, units, polarity and power", async () => {
    const {status, body} = await s.get("/api/indicators");
    expect(status).toBe(200);
    const cla = body.indicators.find((i: any) => i.id === "cla-rate");
    expect(cla).toMatchObject({unit: "per-10000", polarity: "low-is-good", tier: "headline", power: {communication: "H", proxy: "H", data: "H"}});
    expect(cla.definition).toMatch(/10,000/);
  });

  it("gives one indicator by id and a 404 naming an unknown one", async () => {
    expect((await s.get("/api/indicators/cp-repeat")).body.source.numeratorFilter).toEqual([{field: "plan_sequence", op: "gt", value: 1}]);
    const res = await s.get("/api/indicators/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("indicator 'no-such-thing' does not exist");
  });
});

describe("GET /api/indicators/:id/series", () => {
  it("counts children looked after at 31 March per 10,000 aged 0-17 of that financial year's mid-year estimate, with Byar intervals at 95% and 99.8%", async () => {
    const {status, body} = await series("cla-rate", "period=financial-year&from=2012/13&to=2012/13");
    expect(status).toBe(200);
    const p = body.points[0];
    const n = children(2012);
    expect(p).toMatchObject({period: "2012/13", end: "2013-03-31", numerator: 60, denominator: n, method: "byar", multiplier: 10000, populationYear: 2012, flag: null});
    expect(p.value).toBeCloseTo((60 / n) * 10000, 10);
    expect(p.lower95).toBeGreaterThan(p.lower998);
    expect(p.upper95).toBeLessThan(p.upper998);
    expect(p.lower95).toBeCloseTo(60 * (1 - 1 / 540 - 1.959963984540054 / (3 * Math.sqrt(60))) ** 3 / n * 10000, 8);
  });

  it("counts an episode open at each month end, not once it has ended, including episodes started in an earlier year", async () => {
    const {body} = await series("cla-rate", "period=month&from=2012-04&to=2012-06");
    // 30 April: 3 from 2011/12 (c); 31 May: those 3 + 40 started 1 May; 30 June: the 3 ended on 1 June.
    expect(body.points.map((p: any) => p.numerator)).toEqual(["c", 43, 40]);
  });

  it("publishes counts of 1 to 5 as c with value and intervals suppressed, and keeps 0 as 0", async () => {
    const {body} = await series("cla-rate", "period=month&from=2012-04&to=2012-05");
    expect(body.points[0]).toMatchObject({numerator: "c", value: "c", lower95: "c", upper998: "c", flag: "c"});
    const farley = await series("cla-started", "geography=ward&code=farley&period=month&from=2012-08&to=2012-09");
    expect(farley.body.points.map((p: any) => p.numerator)).toEqual([0, 21]);
  });

  it("flags a rate on fewer than 10 events as u (low reliability) but still shows it", async () => {
    const {body} = await series("cla-rate", "geography=ward&code=bramingham&period=quarter&from=2011/12 Q2&to=2011/12 Q2");
    expect(body.points[0].numerator).toBe("c");
    const ward = await series("cla-rate", "geography=ward&code=farley&period=month&from=2012-09&to=2012-09");
    expect(ward.body.points[0]).toMatchObject({numerator: 21, flag: null});
    const cp = await series("cp-rate", "geography=ward&code=farley&period=financial-year&from=2012/13&to=2012/13");
    expect(cp.body.points[0].numerator).toBe("c");
    // Biscot's 8 would give farley's 4 back from the borough's 12: c for the commissioner; an analyst sees it, flagged u.
    const target = await series("cp-rate", "geography=ward&code=biscot&period=financial-year&from=2012/13&to=2012/13");
    expect(target.body.points[0]).toMatchObject({numerator: "c", value: "c", flag: "c"});
    const full = await s.get("/api/indicators/cp-rate/series?geography=ward&code=biscot&period=financial-year&from=2012/13&to=2012/13", "analyst");
    expect(full.body.points[0]).toMatchObject({numerator: 8, flag: "u", method: "exact"});
    expect(typeof full.body.points[0].value).toBe("number");
  });

  it("splits the borough into target wards and the rest of the borough, each with its own population", async () => {
    const t = (await series("cla-rate", "geography=target-wards&from=2012/13&to=2012/13")).body;
    const r = (await series("cla-rate", "geography=rest-of-borough&from=2012/13&to=2012/13")).body;
    expect(t.geography).toMatchObject({type: "target-wards", code: "early-help-2014", illustrative: true});
    expect(t.geography.wards).toEqual([...TARGET].sort());
    expect(t.points[0].numerator + r.points[0].numerator).toBe(60);
    expect(t.points[0].denominator).toBe(children(2012, TARGET));
    expect(t.points[0].denominator + r.points[0].denominator).toBeCloseTo(children(2012), 6);
    expect(t.notes.join(" ")).toMatch(/illustrative/);
  });

  it("counts a neighbourhood area from its wards", async () => {
    const {body} = await series("cla-rate", "geography=area&code=central&from=2012/13&to=2012/13");
    expect(body.geography).toMatchObject({type: "area", code: "central", name: "Central"});
    expect(body.points[0].numerator).toBe(40);
  });

  it("compares each financial year with its benchmarks by the area's interval and the indicator's polarity", async () => {
    const {body} = await series("cla-rate", "from=2012/13&to=2012/13");
    expect(body.points[0].benchmarks.map((b: any) => b.comparator).sort()).toEqual(["england", "statistical-neighbours"]);
    // 60 children in ~48,000 is far below any benchmark: low is good, so better.
    expect(body.points[0].benchmarks.every((b: any) => b.comparison === "better")).toBe(true);
  });

  it("counts a re-referral when the same child was referred in the previous 12 months, not 13", async () => {
    const {body} = await series("re-referrals", "from=2012/13&to=2012/13");
    // 11 referrals in 2012/13; only child 1's November referral follows one within 12 months.
    expect(body.points[0]).toMatchObject({numerator: "c", denominator: 11, value: "c"});
    const all = await series("referrals", "from=2012/13&to=2012/13");
    expect(all.body.points[0]).toMatchObject({numerator: 11, value: 11, method: "byar"});
  });

  it("gives the referral-to-assessment share with a Wilson interval", async () => {
    // May's 1 and November's 1 are c by month, and 8 − 6 (July) would give them back: an analyst's figure.
    const {body} = await s.get("/api/indicators/referral-to-assessment/series?from=2012/13&to=2012/13", "analyst");
    // initial or single: 11 referrals less child 1's nfa and two signposted.
    expect(body.points[0]).toMatchObject({numerator: 8, denominator: 11, method: "wilson", multiplier: 100});
    expect(body.points[0].value).toBeCloseTo(800 / 11, 10);
    const z = 1.959963984540054;
    const lower = (2 * 8 + z * z - z * Math.sqrt(z * z + 4 * 8 * (1 - 8 / 11))) / (2 * (11 + z * z)) * 100;
    expect(body.points[0].lower95).toBeCloseTo(lower, 10);
  });

  it("counts an initial assessment as on time at 10 weekdays and late at 11, leaving core assessments out", async () => {
    const {body} = await series("assessments-on-time", "from=2012/13&to=2012/13");
    expect(body.points[0]).toMatchObject({numerator: 6, denominator: 10});
    expect(body.points[0].value).toBeCloseTo(60, 10);
  });

  it("finds toxic-trio plans by any of the domestic abuse, parental mental health or substance misuse factors", async () => {
    const {body} = await series("cp-toxic-trio", "from=2012/13&to=2012/13");
    expect(body.points[0]).toMatchObject({numerator: 7, denominator: 12});
    const repeat = await series("cp-repeat", "from=2012/13&to=2012/13");
    expect(repeat.body.points[0]).toMatchObject({numerator: "c", denominator: 12});
  });

  it("takes NEET from the November snapshot and leaves activity not known out of the denominator", async () => {
    const {body} = await series("neet", "from=2013/14&to=2013/14");
    expect(body.points[0]).toMatchObject({numerator: 10, denominator: 50, value: 20});
  });

  it("computes the Leeds infants indicator in Leeds (LA 383) by default", async () => {
    const {body} = await series("infants-entering-care", "from=2012/13&to=2012/13");
    expect(body.geography).toMatchObject({type: "borough", code: "383", name: "Leeds"});
    expect(body.points[0]).toMatchObject({numerator: "c", denominator: 12});
  });

  it("breaks a series down by a catalogue breakdown and protects a small group from subtraction", async () => {
    const {body} = await series("cp-plans", "from=2012/13&to=2012/13&breakdown=category");
    expect(body.points[0].numerator).toBe(12);
    const groups = Object.fromEntries(body.groups.map((g: any) => [g.group, g.numerator]));
    expect(groups).toEqual({EMO: 6, NEG: 6});
    const byWard = (await series("cla-rate", "from=2012/13&to=2012/13&breakdown=ward")).body;
    expect(byWard.groups.map((g: any) => g.group).sort()).toEqual(["biscot", "farley"]);
    // Police (6) made 4 of the 11 referrals: c. Schools' 7 would give it away (11 − 7), so it is hidden too.
    const bySource = (await series("referrals", "from=2012/13&to=2012/13&breakdown=source")).body;
    expect(bySource.points[0].numerator).toBe(11);
    expect(Object.fromEntries(bySource.groups.map((g: any) => [g.group, g.numerator]))).toEqual({"2A": "c", "6": "c"});
  });

  it("marks periods outside the loaded extracts as not available (x)", async () => {
    const {body} = await series("marac-cases", "from=2011/12&to=2012/13");
    expect(body.points.map((p: any) => p.numerator)).toEqual(["x", 7]);
    expect(body.notes.join(" ")).toMatch(/outside the loaded extracts/);
  });

  it("gives the series as CSV on request", async () => {
    const res = await s.app.request("/api/indicators/cla-rate/series?from=2012/13&to=2012/13&format=csv");
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const [header, first] = (await res.text()).split("\n");
    expect(header).toContain("numerator,denominator,value,lower95,upper95,lower998,upper998,method");
    expect(first).toMatch(/^cla-rate,borough,821,/);
  });

  it("refuses with clear 4xx: unknown indicator, geography not allowed, unknown ward or area, impossible range, bad period", async () => {
    const cases: [string, number, string | RegExp][] = [
      ["/api/indicators/nope/series", 404, "indicator 'nope' does not exist"],
      ["/api/indicators/marac-cases/series?geography=ward&code=biscot", 400, /not published for geography 'ward'/],
      ["/api/indicators/cla-rate/series?geography=ward&code=atlantis", 404, /ward 'atlantis' does not exist/],
      ["/api/indicators/cla-rate/series?geography=area&code=narnia", 404, /area 'narnia' does not exist/],
      ["/api/indicators/cla-rate/series?geography=ward", 400, /needs code=/],
      ["/api/indicators/cla-rate/series?geography=galaxy", 400, /geography/],
      ["/api/indicators/cla-rate/series?from=2013/14&to=2012/13", 400, "from (2013/14) is after to (2012/13)"],
      ["/api/indicators/cla-rate/series?from=2012-13", 400, /from '2012-13' is not a financial-year period/],
      ["/api/indicators/neet/series?period=month", 400, /not published by month/],
      ["/api/indicators/cla-rate/series?breakdown=shoe_size", 400, /no breakdown 'shoe_size'/],
      ["/api/indicators/cla-rate/series?code=DROP%20TABLE", 400, /code/]
    ];
    for (const [url, status, message] of cases) {
      const res = await s.get(url);
      expect(res.status, url).toBe(status);
      if (typeof message === "string") expect(res.body.error.message, url).toBe(message);
      else expect(res.body.error.message, url).toMatch(message);
    }
  });
});

describe("OpenAPI", () => {
  it("describes every OBA route", async () => {
    const doc = (await s.get("/api/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      "/api/indicators", "/api/indicators/{id}", "/api/indicators/{id}/series", "/api/indicators/{id}/baseline", "/api/indicators/{id}/drivers",
      "/api/baselines", "/api/baselines/{id}", "/api/targets", "/api/annotations", "/api/narratives/{indicator}/{geography}",
      "/api/scorecards", "/api/scorecards/{id}"
    ]));
    expect(doc.paths["/api/indicators/{id}/baseline"].get.responses["422"].description).toMatch(/too few points/);
    expect(doc.paths["/api/narratives/{indicator}/{geography}"].put.requestBody).toBeDefined();
  });
});
