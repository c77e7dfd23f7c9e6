import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {WARDS} from "../../helpers/disclosure-attack.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Sparse counts (docs/methods/disclosure.md, "Sparse counts"): when most of a definition's non-zero
 * ward-months are 1 to 5, the plan holds wards, areas and the target wards only by quarter or year,
 * so the borough's months, quarters and years are not hidden to protect ward-months that would
 * mostly be c anyway. A ward-month is then withheld with the reason, for every suppressed role.
 */

const s = obaScratch("curve-sparse-", {appStore: false});
const pad = (n: number) => String(n).padStart(2, "0");

beforeAll(async () => {
  // About one referral per ward-month (two years of 19 wards: 6 to 10 a ward a year, 1 or 2 a month).
  for (const fy of [2012, 2013]) {
    const rows: string[] = [];
    WARDS.forEach((ward, w) => {
      const n = 6 + ((w * 7 + fy) % 5);
      for (let i = 0; i < n; i++) {
        const k = (w * 5 + i * 7 + fy) % 12;
        const y = fy + (k >= 9 ? 1 : 0);
        rows.push(row("referrals", {ward, referral_date: `${y}-${pad(((k + 3) % 12) + 1)}-${pad(1 + ((w + i) % 27))}`}));
      }
    });
    s.extract("referrals", fy, rows);
  }
  expect((await s.run()).status).toBe("published");
}, 300_000);
afterAll(() => s.close());

const series = (q: string) => `/api/indicators/referrals/series?${q}`;

describe("a sparse definition is planned for wards by year, and the borough keeps its figures", () => {
  it("a commissioner sees the borough's referrals every year, month and quarter, as the analyst does", async () => {
    for (const period of ["financial-year", "quarter", "month"]) {
      const res = await s.get(series(`period=${period}`), "analyst");
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const analyst = res.body.points.map((p: any) => p.numerator);
      const commissioner = (await s.get(series(`period=${period}`), "commissioner")).body.points.map((p: any) => p.numerator);
      expect(analyst.every((n: unknown) => typeof n === "number")).toBe(true);
      // Borough months of 6 to 18 referrals: none small, none hidden.
      expect(commissioner, period).toEqual(analyst.map((n: number) => (n >= 1 && n <= 5 ? "c" : n)));
    }
  });

  it("a ward's months and quarters are withheld from a commissioner with the reason, whatever their value; the analyst sees them", async () => {
    for (const period of ["month", "quarter", "rolling-12-months"]) {
      const {body} = await s.get(series(`geography=ward&code=biscot&period=${period}`), "commissioner");
      expect(body.points.length, period).toBeGreaterThan(0);
      for (const p of body.points) {
        expect(p, period).toMatchObject({numerator: "c", value: "c", flag: "c"});
        expect(p.withheld, period).toMatch(/below the borough: published for wards and areas by financial year only/);
      }
    }
    const analyst = (await s.get(series("geography=ward&code=biscot&period=month"), "analyst")).body.points;
    expect(analyst.some((p: any) => typeof p.numerator === "number" && p.numerator > 0)).toBe(true);
    expect(analyst.every((p: any) => p.withheld === undefined)).toBe(true);
  });

  it("wards are still published by year: a ward-year that is not small and not needed to protect another is shown, without a reason", async () => {
    const shown: number[] = [];
    for (const ward of WARDS.slice(0, 8)) {
      for (const p of (await s.get(series(`geography=ward&code=${ward}&period=financial-year`), "commissioner")).body.points) {
        if (typeof p.numerator === "number") shown.push(p.numerator);
        expect(p.withheld).toBeUndefined();
      }
    }
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((n) => n > 5)).toBe(true);
  });
});
