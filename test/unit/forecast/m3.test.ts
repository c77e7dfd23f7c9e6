import {describe, it, expect} from "vitest";
import {readFileSync} from "node:fs";
import {forecast} from "../../../api/stats/forecast.js";
import {loadM3, splitHalves} from "../../../api/stats/bench/m3-data.js";
import {accuracy, smape} from "../../../api/stats/bench/forecast-m3.js";

interface M3Series {id: string; period: string; frequency: 1 | 4 | 12; h: number; x: number[]; xx: number[]}

const all: M3Series[] = JSON.parse(
  readFileSync(new URL("../../../benchmarks/m3/m3-yearly-quarterly.json", import.meta.url), "utf8")
).series;
// 10 yearly and 10 quarterly series spread through the collection.
const pick = (period: string) => {
  const s = all.filter((x) => x.period === period);
  return Array.from({length: 10}, (_, i) => s[Math.floor((i * s.length) / 10)]);
};
const sample = [...pick("yearly"), ...pick("quarterly")];

describe("auto on M3 series", () => {
  it("gives finite forecasts, ordered intervals and sane coverage on 20 series", () => {
    let in80 = 0;
    let in95 = 0;
    let points = 0;
    for (const s of sample) {
      const r = forecast(s.x, {h: s.h, frequency: s.frequency});
      expect(r.mean).toHaveLength(s.h);
      for (const v of [...r.mean, ...r.lower80, ...r.upper80, ...r.lower95, ...r.upper95]) expect(Number.isFinite(v)).toBe(true);
      s.xx.forEach((a, j) => {
        expect(r.lower95[j]).toBeLessThanOrEqual(r.lower80[j]);
        expect(r.upper80[j]).toBeLessThanOrEqual(r.upper95[j]);
        if (a >= r.lower80[j] && a <= r.upper80[j]) in80++;
        if (a >= r.lower95[j] && a <= r.upper95[j]) in95++;
        points++;
      });
    }
    expect(in80 / points).toBeGreaterThan(0.6);
    expect(in95 / points).toBeGreaterThan(0.8);
    expect(in95).toBeGreaterThanOrEqual(in80);
  });

  it("forecasts 8 held-out monthly series 18 months ahead from damped, Theta and DOTM on quarterly means and Theta on annual means, more accurately than naive2, with strictly nested bands", () => {
    // A small fixed subset of the held-out half, so the check stays quick; the full figures are the bench's.
    const held = loadM3("monthly-held-out");
    const subset = Array.from({length: 8}, (_, i) => held[Math.floor((i * held.length) / 8)]);
    let autoError = 0;
    let naiveError = 0;
    for (const s of subset) {
      const r = forecast(s.x, {h: s.h, frequency: 12});
      expect(r.backtest!.candidates!.map((c) => c.method).sort()).toEqual(["damped-q", "dotm-q", "theta-q", "theta-y"]);
      r.mean.forEach((_, j) => {
        expect(r.lower95[j]).toBeLessThan(r.lower80[j]);
        expect(r.upper80[j]).toBeLessThan(r.upper95[j]);
      });
      autoError += smape(r.mean, s.xx);
      naiveError += smape(forecast(s.x, {h: s.h, frequency: 12, method: "naive"}).mean, s.xx);
    }
    expect(autoError).toBeLessThan(naiveError);
  });

  it("splits the monthly training series into two fixed halves that share no series", () => {
    const items = Array.from({length: 11}, (_, i) => ({id: `N${1400 + i}`}));
    const a = splitHalves(items);
    const b = splitHalves([...items].reverse());
    expect(a.tuning.map((s) => s.id).sort()).toEqual(b.tuning.map((s) => s.id).sort());
    expect(a.tuning).toHaveLength(6);
    expect(a.heldOut.filter((s) => a.tuning.includes(s))).toEqual([]);
    expect(loadM3("monthly-tuning").length + loadM3("monthly-held-out").length).toBe(1142);
  });

  it("scores R's forecasts and ours alike: sMAPE over horizons then series, MASE on the in-sample naive, a point on a bound inside the interval", () => {
    const series = [
      {id: "A", period: "yearly", type: "t", frequency: 1, h: 2, x: [10, 12, 14], xx: [16, 20]},
      {id: "B", period: "yearly", type: "t", frequency: 1, h: 2, x: [5, 5, 5, 6], xx: [6, 6]}
    ] as const satisfies readonly Parameters<typeof accuracy>[0][number][];
    const forecasts = [
      {mean: [16, 16], lower80: [15, 19], upper80: [17, 21], lower95: [14, 15], upper95: [18, 25]},
      {mean: [6, 6], lower80: [6.5, 6], upper80: [7, 7], lower95: [4, 4], upper95: [8, 8]}
    ];
    const a = accuracy(series, forecasts);
    // A: horizon 1 exact, horizon 2 200·4/36; B exact.
    expect(a.smape).toBeCloseTo((200 * 4) / 36 / 2 / 2, 10);
    // A: mean |error| 2 on an in-sample naive of 2; B: no error.
    expect(a.mase).toBeCloseTo(0.5, 10);
    // 80%: A's two points inside, B's first below 6.5, its second on the lower bound (inside) → 3 of 4.
    expect(a.coverage80).toBe(75);
    expect(a.coverage95).toBe(100);
  });
});
