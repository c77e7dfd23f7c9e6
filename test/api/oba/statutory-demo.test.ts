import {afterAll, describe, expect, it} from "vitest";
import {demoApi} from "../../helpers/demo.js";

/**
 * The measures from the CIN census's episodes and reviews and the SSDA903 Missing, OC2 and OC3
 * tables on the demo world: each has a series over the demo's eight years and a baseline, and the
 * OC2 checks reproduce Luton's published 2012/13 figures (LSCB annual report 2012/13: 91.8% annual
 * health assessments, 71.3% dental checks, 88.2% immunisations).
 */

const NEW = ["cp-reviews-in-time", "cin-rate", "cla-3-placements", "cla-placement-2-5-years", "cla-missing", "cla-missing-episodes",
  "cla-health-checks", "cla-dental-checks", "cla-immunisations", "care-leavers-eet", "care-leavers-accommodation"];

describe("the new CIN census and SSDA903 measures on the demo world", () => {
  const s = demoApi("analyst");
  afterAll(() => s.close());

  for (const id of NEW) {
    it(`${id} has a value in every year the demo loads to 2015/16, and a baseline`, async () => {
      const series = await s.get(`/api/indicators/${id}/series?period=financial-year&from=2010/11&to=2015/16`);
      expect(series.status, JSON.stringify(series.body)).toBe(200);
      expect(series.body.points).toHaveLength(6);
      for (const p of series.body.points) expect(typeof p.value, `${id} ${p.period}`).toBe("number");
      const baseline = await s.get(`/api/indicators/${id}/baseline?period=financial-year&asOf=2015/16`);
      expect(baseline.status, JSON.stringify(baseline.body)).toBe(200);
    });
  }

  it("compares each new measure that names a benchmark with England and statistical neighbours, as the older measures are", async () => {
    const catalogue = (await s.get("/api/indicators")).body.indicators as {id: string; benchmark: string | null}[];
    // The LSCB's own performance set is compared too (s47 conversion, ICPC in time, plans lasting two years).
    const compared = [...NEW, "s47-to-icpc", "icpc-within-15-days", "cp-ending-2-years"].filter((id) => catalogue.find((i) => i.id === id)?.benchmark);
    expect(compared.length).toBeGreaterThanOrEqual(12);
    for (const id of compared) {
      const series = await s.get(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2015/16`);
      for (const p of series.body.points) {
        expect(p.benchmarks.map((b: {comparator: string}) => b.comparator).sort(), `${id} ${p.period}`).toEqual(["england", "statistical-neighbours"]);
        for (const b of p.benchmarks) expect(typeof b.value, `${id} ${p.period}`).toBe("number");
      }
    }
  });

  it("gives Luton's published 2012/13 health checks of children in care for 12 months to the nearest 0.2 points", async () => {
    const value = async (id: string) => (await s.get(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2012/13`)).body.points[0].value;
    expect(Math.abs((await value("cla-health-checks")) - 91.8)).toBeLessThanOrEqual(0.2);
    expect(Math.abs((await value("cla-dental-checks")) - 71.3)).toBeLessThanOrEqual(0.2);
    expect(Math.abs((await value("cla-immunisations")) - 88.2)).toBeLessThanOrEqual(0.2);
  });
});
