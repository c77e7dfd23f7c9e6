import {describe, it, expect} from "vitest";
import {readFileSync} from "node:fs";
import {forecast} from "../../../api/stats/forecast.js";

interface M3Series {id: string; period: string; frequency: 1 | 4; h: number; x: number[]; xx: number[]}

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
});
