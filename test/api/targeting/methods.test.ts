import {describe, expect, it} from "vitest";
import {allocate, apportionPence} from "../../../api/targeting/allocation.js";
import {inequality, protectCurve} from "../../../api/targeting/concentration.js";
import {protectWardCounts, protectWardRates, wardGroups} from "../../../api/targeting/disclosure.js";
import {gapTrend, type GroupYear} from "../../../api/targeting/gap.js";
import {needIndex, parseWeights} from "../../../api/targeting/need.js";
import {wardTable} from "../../../api/targeting/ward-table.js";
import {parsePeriod} from "../../../api/oba/periods.js";
import type {ComputeOnce} from "../../../api/oba/query.js";
import {Computations} from "../../../api/appcache.js";
import {indirectlyStandardisedRatio, recoverableCells} from "../../../api/stats/index.js";

/** The pure targeting methods, on small hand-made tables (no warehouse). */

const WARDS = ["a", "b", "c", "d", "e", "f"].map((id, i) => ({id, target: i < 2}));

describe("ward disclosure control", () => {
  it("a ward count of 3 is shown as c and its ward's share cannot be recovered from the borough, target-ward or rest totals", () => {
    const table = {wards: WARDS.map((w, i) => ({...w, count: [40, 35, 3, 20, 25, 30][i]})), unknown: 0};
    const d = protectWardCounts(table);
    expect(d.cells.get("ward:c")!.published).toBe("c");
    expect(d.cells.get("ward:c")!.status).toBe("primary");
    // Secondary: another rest-of-borough ward goes with it, so the rest total cannot be subtracted down to it.
    expect([...d.hidden].filter((id) => id.startsWith("ward:")).length).toBeGreaterThanOrEqual(2);
    const cells = [...d.cells.values()].map((c) => ({id: c.id, count: c.count}));
    expect(recoverableCells({cells, groups: wardGroups(table)}, d.hidden)).toEqual([]);
    expect(d.unprotected).toEqual([]);
    // The totals everyone reads stay shown.
    expect(d.cells.get("total:borough")!.published).toBe(153);
  });

  it("a hidden target ward is protected against the target-ward total as well as the borough", () => {
    const table = {wards: WARDS.map((w, i) => ({...w, count: [4, 35, 30, 20, 25, 30][i]})), unknown: 2};
    const d = protectWardCounts(table);
    expect(d.hidden.has("ward:a")).toBe(true);
    const cells = [...d.cells.values()].map((c) => ({id: c.id, count: c.count}));
    expect(recoverableCells({cells, groups: wardGroups(table)}, d.hidden)).toEqual([]);
    // Records with no ward are a cell of the borough group too: a count of 2 there is itself c.
    expect(d.cells.get("total:unknown")!.published).toBe("c");
  });

  it("a percentage is hidden when its denominator (a count of children) is hidden, and flagged u below 10 events", () => {
    const wards = WARDS.map((w, i) => ({...w, numerator: [8, 30, 12, 20, 25, 30][i], denominator: [20, 60, 4, 40, 50, 60][i]}));
    const d = protectWardRates(wards, {numerator: 0, denominator: 0}, true);
    expect(d.denominators!.hidden.has("ward:c")).toBe(true);
    expect(d.rateHidden("ward:c")).toBe(true);
    expect(d.flag("ward:c", 12)).toBe("c");
    expect(d.flag("ward:a", 8)).toBe("u");
    expect(d.flag("ward:b", 30)).toBe(null);
  });

  it("hides concentration-curve points until no hidden ward can be recovered by differencing them", () => {
    const table = {wards: WARDS.map((w, i) => ({...w, count: [40, 35, 3, 20, 25, 30][i]})), unknown: 0};
    const d = protectWardCounts(table);
    const order = ["a", "b", "f", "e", "d", "c"];
    const hide = protectCurve(order, table, d.hidden);
    const cells = [...d.cells.values()].map((c) => ({id: c.id, count: c.count}));
    let cum = 0;
    const groups = [...wardGroups(table)];
    order.forEach((id, k) => {
      cum += table.wards.find((w) => w.id === id)!.count;
      cells.push({id: `cum:${k}`, count: cum});
      groups.push({parts: k === 0 ? [`ward:${id}`] : [`cum:${k - 1}`, `ward:${id}`], total: `cum:${k}`});
    });
    const hidden = new Set([...d.hidden, ...[...hide].map((k) => `cum:${k}`)]);
    expect(recoverableCells({cells, groups}, hidden).filter((id) => d.hidden.has(id))).toEqual([]);
    expect(hide.size).toBeGreaterThan(0);
  });
});

describe("concentration and inequality", () => {
  const wards = WARDS.map((w, i) => ({...w, numerator: [40, 35, 3, 20, 25, 30][i], denominator: [2000, 2500, 1500, 9, 2200, 2600][i], deprivationRank: i + 1}));
  const cases = {wards: wards.map((w) => ({id: w.id, count: w.numerator, target: w.target})), unknown: 0};
  const population = {wards: wards.map((w) => ({id: w.id, count: w.denominator, target: w.target})), unknown: 0};

  it("hides an SII unit's count and value when it holds a suppressed ward, but fits the SII on the true counts", () => {
    const d = protectWardCounts(cases);
    const r = inequality("per-10000", wards, {cases: {table: cases, hidden: d.hidden}}, {seed: 3, groups: "ward", repetitions: 200});
    const c = r.sii!.units.find((u) => u.wards.includes("c"))!;
    expect(c).toMatchObject({numerator: "c", value: "c"});
    expect(r.sii!.units.filter((u) => u.numerator === "c").length).toBe(d.hidden.size - [...d.hidden].filter((id) => id.startsWith("total:")).length);
    expect(r.byRate.points.find((p) => p.id === "c")!.cases).toBe("c");
    expect(Number.isFinite(r.sii!.sii)).toBe(true);
  });

  it("for a percentage, also hides the population axis where the denominator (a count of children) is suppressed", () => {
    const pct = wards.map((w) => ({...w, numerator: Math.min(w.numerator, w.denominator), denominator: w.denominator}));
    const denom = {...population, wards: pct.map((w) => ({id: w.id, count: w.denominator, target: w.target}))};
    const num = {...cases, wards: pct.map((w) => ({id: w.id, count: w.numerator, target: w.target}))};
    const r = inequality("percent", pct, {cases: {table: num, hidden: protectWardCounts(num).hidden}, population: {table: denom, hidden: new Set(["ward:d", "ward:c"])}}, {seed: 3, groups: "ward", repetitions: 200});
    expect(r.byRate.points.find((p) => p.id === "d")!.population).toBe("c");
    expect(r.byRate.points.some((p) => p.populationShare === "c")).toBe(true);
  });
});

describe("ward table", () => {
  const wards = [
    {id: "a", target: true, numerator: 30, denominator: 2000, children: 2000},
    {id: "b", target: true, numerator: 25, denominator: 2500, children: 2500},
    {id: "c", target: false, numerator: 10, denominator: 3000, children: 3000},
    {id: "d", target: false, numerator: 5, denominator: 2500, children: 2500}
  ];
  const t = wardTable("per-10000", wards, {numerator: 2, denominator: 0}, {seed: 7, needDirection: 1});

  it("takes the expected count at the borough rate, records with no ward included, and puts exact/Byar limits on O over E", () => {
    const a = t.wards.find((w) => w.id === "a")!;
    const boroughRate = 72 / 10000;
    expect(t.borough.numerator).toBe(72);
    expect(a.ratioToBorough!.expected).toBeCloseTo(2000 * boroughRate, 12);
    expect(a.ratioToBorough!.ci95).toEqual(indirectlyStandardisedRatio(30, 2000 * boroughRate, {level: 0.95}));
    expect(a.ratioToBorough!.ci998.level).toBe(0.998);
    expect(a.excess!.value).toBeCloseTo(30 - 2000 * boroughRate, 12);
  });

  it("compares a ward with the rest of the borough at the rate of every other ward", () => {
    const a = t.wards.find((w) => w.id === "a")!;
    expect(a.ratioToRest!.expected).toBeCloseTo(2000 * (42 / 8000), 12);
  });

  it("ranks wards with reproducible simulation intervals: same seed, same intervals", () => {
    const again = wardTable("per-10000", wards, {numerator: 2, denominator: 0}, {seed: 7, needDirection: 1});
    expect(again.wards.map((w) => w.rank)).toEqual(t.wards.map((w) => w.rank));
    expect(t.wards.find((w) => w.id === "a")!.rank!.rank).toBe(1);
  });
});

describe("need index", () => {
  const comp = (indicator: string, observed: number[], expected: number[], direction: 1 | -1 = 1, weight = 1) => ({
    indicator, weight, direction, wards: observed.map((o, i) => ({id: `w${i}`, observed: o, expected: expected[i]}))
  });

  it("is the weighted geometric mean of (O + 0.5)/(E + 0.5), and its component factors multiply to it", () => {
    const r = needIndex([comp("x", [20, 10], [10, 20], 1, 3), comp("y", [5, 5], [5, 5], 1, 1)], {seed: 1, draws: 200});
    const w0 = r.wards[0];
    expect(w0.index).toBeCloseTo(Math.exp(0.75 * Math.log(20.5 / 10.5)), 12);
    expect(w0.components.reduce((p, c) => p * c.factor, 1)).toBeCloseTo(w0.index, 12);
    expect(w0.components.map((c) => c.weight)).toEqual([0.75, 0.25]);
  });

  it("turns round an indicator where a lower value means more need", () => {
    const r = needIndex([comp("on-time", [20, 10], [10, 20], -1)], {seed: 1, draws: 200});
    expect(r.wards[0].index).toBeLessThan(1);
    expect(r.wards[1].index).toBeGreaterThan(1);
  });

  it("gives the same intervals and ranks for the same seed, and clear differences only when the draws agree", () => {
    const input = [comp("x", [80, 40, 42, 5], [40, 40, 40, 40])];
    const a = needIndex(input, {seed: 42, draws: 500});
    const b = needIndex(input, {seed: 42, draws: 500});
    expect(a.wards).toEqual(b.wards);
    expect(a.probabilityHigher("w0", "w1")).toBeGreaterThan(0.975);
    expect(a.probabilityHigher("w2", "w1")).toBeLessThan(0.975);
    expect(a.wards[0].upperRank).toBe(1);
    expect(a.wards[1].lower95).toBeLessThan(1);
    expect(a.wards[1].upper95).toBeGreaterThan(1);
  });

  it("refuses weights that are negative, not numbers, for an indicator not asked for, or all zero", () => {
    expect(parseWeights("a:2,b:0.5", ["a", "b"])).toEqual(new Map([["a", 2], ["b", 0.5]]));
    expect(parseWeights(undefined, ["a", "b"])).toEqual(new Map([["a", 1], ["b", 1]]));
    expect(() => parseWeights("a:-1", ["a"])).toThrow(/must be a number ≥ 0/);
    expect(() => parseWeights("a:two", ["a"])).toThrow(/must be a number ≥ 0/);
    expect(() => parseWeights("c:1", ["a"])).toThrow(/not among the indicators/);
    expect(() => parseWeights("a:0", ["a"])).toThrow(/at least one weight/);
    expect(() => parseWeights("a", ["a"])).toThrow(/indicator:weight/);
  });
});

describe("the gap between the target wards and the rest", () => {
  const years = (target: number[], rest: number[]): GroupYear[] => target.map((t, i) => ({
    period: parsePeriod("financial-year", `${2008 + i}/${String((2009 + i) % 100).padStart(2, "0")}`),
    target: {numerator: t, denominator: 15000, children: 15000},
    rest: {numerator: rest[i], denominator: 35000, children: 35000},
    unknown: {numerator: 0, denominator: 0}
  }));
  const since = parsePeriod("financial-year", "2014/15");

  it("is closing when the target wards' ratio to the rest falls from the strategy year, beyond chance", () => {
    const target = [150, 152, 149, 151, 150, 150, 110, 90];
    const rest = [200, 201, 199, 200, 202, 200, 200, 201];
    const g = gapTrend("per-10000", years(target, rest), since);
    const sum = (v: number[]) => v.slice(0, 6).reduce((s, x) => s + x, 0);
    expect(g.beforeAfter!.before.rateRatio).toBeCloseTo((sum(target) / 90000) / (sum(rest) / 210000), 10);
    expect(g.tests.beforeAfter).toBe("towards parity");
    expect(g.status).toBe("closing");
    expect(g.closing).toBe(true);
    expect(g.turnTheCurve.verdict?.verdict).toMatch(/turned|accelerated/);
  });

  it("forecasts the gap's baseline through the app's computations: the same years give the same baseline without forecasting again", () => {
    const computations = new Computations();
    const target = [150, 152, 149, 151, 150, 150, 110, 90];
    const rest = [200, 201, 199, 200, 202, 200, 200, 201];
    const computeOnce: ComputeOnce = (name, inputs, run) => computations.of(name, inputs, run);
    const first = gapTrend("per-10000", years(target, rest), since, {computeOnce});
    expect(computations.size).toBe(1);
    expect(gapTrend("per-10000", years(target, rest), since, {computeOnce})).toEqual(first);
    expect(computations.size).toBe(1);
    expect(first).toEqual(gapTrend("per-10000", years(target, rest), since));
    // Another history is another forecast.
    gapTrend("per-10000", years([140, ...target.slice(1)], rest), since, {computeOnce});
    expect(computations.size).toBe(2);
  });

  it("is not closing when the ratio stays where it was", () => {
    const g = gapTrend("per-10000", years([150, 152, 149, 151, 150, 150, 151, 149], [200, 201, 199, 200, 202, 200, 200, 201]), since);
    expect(g.status).toBe("no significant change");
    expect(g.closing).toBe(false);
  });

  it("has no clear gap to close when the target wards were like the rest before", () => {
    const g = gapTrend("per-10000", years([86, 85, 86, 85, 86, 85, 60, 60], [200, 200, 200, 200, 200, 200, 200, 200]), since);
    expect(g.status).toBe("no clear gap before");
  });

  it("is widening when the ratio moves away from parity", () => {
    const g = gapTrend("per-10000", years([150, 150, 150, 150, 150, 150, 220, 260], [200, 200, 200, 200, 200, 200, 200, 200]), since);
    expect(g.status).toBe("widening");
  });

  it("says the gap reversed, not closed, when the ratio crosses parity (1.52 to 0.78), and judges it by the indicator's polarity", () => {
    const g = gapTrend("per-10000", years([152, 152, 152, 152, 152, 152, 78, 78], [100, 100, 100, 100, 100, 100, 100, 100].map((r) => r * 35000 / 15000)), since, {polarity: "low-is-good"});
    expect(g.beforeAfter!.before.rateRatio).toBeCloseTo(1.52, 2);
    expect(g.beforeAfter!.after.rateRatio).toBeCloseTo(0.78, 2);
    expect(g.status).toBe("reversed");
    expect(g.closing).toBe(false);
    expect(g.direction).toBe("down");
    expect(g.judgement).toBe("better");
    expect(g.headline).toMatch(/^Gap reversed: the target wards went from 52% above the rest of the borough to 22% below it/);
    expect(g.reason).toMatch(/^reversed: /);
  });

  it("says no significant change when the ratio of ratios' interval contains 1, whatever the other tests say", () => {
    // The CLA case: the ratio fell from about 1.9 to 1.6 on small counts; the interval runs past 1.
    const g = gapTrend("per-10000", years([19, 19, 19, 19, 19, 19, 16, 16], [23, 23, 23, 23, 23, 23, 23, 23]), since, {polarity: "low-is-good"});
    expect(g.beforeAfter!.change.lower95).toBeLessThan(1);
    expect(g.beforeAfter!.change.upper95).toBeGreaterThan(1);
    expect(g.status).toBe("no significant change");
    expect(g.judgement).toBeNull();
    expect(g.closing).toBe(false);
  });

  it("judges a widening gap better, not worse, when more is better and the target wards pull ahead", () => {
    // Early-help assessments: the target wards got more of them from the strategy's start, by design.
    const g = gapTrend("per-10000", years([150, 150, 150, 150, 150, 150, 400, 450], [200, 200, 200, 200, 200, 200, 200, 200]), since, {polarity: "high-is-good"});
    expect(g.status).toBe("widening");
    expect(g.direction).toBe("up");
    expect(g.judgement).toBe("better");
    const low = gapTrend("per-10000", years([150, 150, 150, 150, 150, 150, 400, 450], [200, 200, 200, 200, 200, 200, 200, 200]), since, {polarity: "low-is-good"});
    expect(low.judgement).toBe("worse");
    const none = gapTrend("per-10000", years([150, 150, 150, 150, 150, 150, 400, 450], [200, 200, 200, 200, 200, 200, 200, 200]), since, {polarity: "no-judgement"});
    expect(none.judgement).toBe("no judgement");
  });

  it("cannot be assessed without a year from the strategy's start", () => {
    const g = gapTrend("per-10000", years([150, 150, 150], [200, 200, 200]), since);
    expect(g.status).toBe("cannot be assessed");
  });
});

describe("allocation", () => {
  const wards = [
    {id: "a", target: true, children: 3000, need: 1.5},
    {id: "b", target: false, children: 2000, need: 1},
    {id: "c", target: false, children: 5000, need: 0.6}
  ];

  it("adds up to the budget to the penny", () => {
    const r = allocate(wards, {budget: 1000000.01, universalShare: 0.3, needExponent: 1});
    expect(Math.round(r.lines.reduce((s, l) => s + l.total, 0) * 100)).toBe(100000001);
    expect(apportionPence(10, [1, 1, 1])).toEqual([4, 3, 3]);
  });

  it("spreads everything per child with a universal share of 1 or a need exponent of 0", () => {
    for (const opts of [{universalShare: 1, needExponent: 1}, {universalShare: 0.3, needExponent: 0}]) {
      const r = allocate(wards, {budget: 100000, ...opts});
      expect(r.lines.map((l) => l.total)).toEqual([30000, 20000, 50000]);
      expect(r.targetWards.share).toBeCloseTo(r.targetWards.childrenShare, 12);
    }
  });

  it("gives the universal share per child and the rest by children × need^β", () => {
    const r = allocate(wards, {budget: 100000, universalShare: 0.5, needExponent: 1});
    const w = wards.map((x) => x.children * x.need);
    const sum = w.reduce((s, v) => s + v, 0);
    expect(r.lines[0].universal).toBe(15000);
    expect(r.lines[0].targeted).toBeCloseTo((50000 * w[0]) / sum, 2);
    expect(r.targetWards.share).toBeGreaterThan(r.targetWards.childrenShare);
  });

  it("refuses a negative budget or shares out of range", () => {
    expect(() => allocate(wards, {budget: -1, universalShare: 0.3, needExponent: 1})).toThrow(/budget/);
    expect(() => allocate(wards, {budget: 1, universalShare: 1.5, needExponent: 1})).toThrow(/universalShare/);
    expect(() => allocate(wards, {budget: 1, universalShare: 0.5, needExponent: 4})).toThrow(/needExponent/);
  });
});
