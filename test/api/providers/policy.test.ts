import type {Context} from "hono";
import {describe, expect, it} from "vitest";
import {accessOf} from "../../../api/auth/disclosure.js";
import {resolvePolicies} from "../../../api/oba/policy.js";
import {type PerformanceMeasure} from "../../../api/providers/catalogue.js";
import {Reference} from "../../../api/reference.js";
import {compareProviders, publishComparison} from "../../../api/providers/compare.js";
import {accessFor, buildUnits, planDisclosure, type Unit} from "../../../api/providers/disclosure.js";
import {deriveEpisode, resolvePeriod, type EpisodeRow, type ProviderInfo, type RawEpisode} from "../../../api/providers/episodes.js";
import {computeMeasure, costPerInterval} from "../../../api/providers/measures.js";
import {reportCard} from "../../../api/providers/report-card.js";
import {buildServiceMap} from "../../../api/providers/service-map.js";
import {quadrantTable} from "../../../api/providers/quadrant-table.js";
import {valueForMoney} from "../../../api/providers/value.js";
import {funnelLimits, funnelSignificance} from "../../../api/stats/funnel.js";
import {indirectlyStandardisedRatio, meanInterval, proportionInterval} from "../../../api/stats/intervals.js";

/**
 * Provider figures follow the audience's disclosure policy (api/oba/policy.ts): a role whose policy
 * hides counts up to 9 gets a plan of its own, in which a provider's 7 is c.
 */
const catalogue = new Reference().measures;
const m = catalogue.byId.get("better-off") as PerformanceMeasure;
const FY = resolvePeriod("2014/15");

let serial = 0;
function ep(provider: string, improved: boolean): EpisodeRow {
  serial++;
  const raw: RawEpisode = {
    episode_id: `Q${serial}`, provider_id: provider, programme_id: "pair", ward: "biscot", age: 7, level_of_need: 3,
    referral_date: "2014-05-01", start_date: "2014-05-08", end_date: "2014-09-01", end_reason: "completed",
    outcome_pre: 10, outcome_post: improved ? 20 : 12, reliable_change: 5, unit_cost: 100, follow_up_end: "2015-09-01", referred_12m: false
  };
  return deriveEpisode(raw, "2016-03-31");
}
// p4: 7 of 30 better off; p5 and p6: 40 of 80 each.
const episodes: EpisodeRow[] = [
  ...Array.from({length: 30}, (_, i) => ep("p4", i < 7)),
  ...Array.from({length: 80}, (_, i) => ep("p5", i < 40)),
  ...Array.from({length: 80}, (_, i) => ep("p6", i < 40))
];
const info: ProviderInfo[] = ["p4", "p5", "p6"].map((id) => ({providerId: id, name: `Provider ${id}`, kind: "commissioned",
  programmes: [{programmeId: "pair", name: "Pair", levelOfNeed: [2, 3, 4], ageBand: "0-17", outcomeMeasure: "score", reliableChange: 5, unitCost: 100}]}));
const units = buildUnits(info, episodes);
const unit = (id: string) => units.find((u) => u.id === id) as Unit;

describe("provider figures by audience", () => {
  const cmp = compareProviders(m, [unit("provider:p4"), unit("provider:p5"), unit("provider:p6")], unit("programme:pair"), episodes, FY, "none");
  const p4 = (primaryMax: number) => publishComparison(cmp, accessFor({role: "commissioner"}, primaryMax), planDisclosure(catalogue.measures, units, episodes, FY, primaryMax)).providers[0];

  it("shows a commissioner with the default threshold p4's 7 better off, and hides it (and its value) under primaryMax 9", () => {
    expect(p4(5)).toMatchObject({providerId: "p4", numerator: 7, denominator: 30});
    expect(p4(9)).toMatchObject({providerId: "p4", numerator: "c", value: "c"});
  });

  it("makes the plan with the threshold: under 9 the 7 is a primary cell and something else is hidden with it", () => {
    const plan5 = planDisclosure(catalogue.measures, units, episodes, FY, 5);
    const plan9 = planDisclosure(catalogue.measures, units, episodes, FY, 9);
    expect(plan9.hidden.size).toBeGreaterThan(plan5.hidden.size);
    expect(plan9.unprotected).toEqual([]);
  });
});

describe("the texts and cuts of provider answers follow a raised primaryMax", () => {
  const strict = accessFor({role: "commissioner"}, 9);

  it("says which counts are c by the viewer's threshold: counts 1-9 on the report card and the quadrant table under primaryMax 9", () => {
    const card = reportCard({unit: unit("provider:p5"), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"} as never, access: strict});
    expect(card.shown).toContain("counts 1-9 and any count");
    expect(card.shown).not.toContain("1-5");
    const table = quadrantTable({units, measures: catalogue.measures, episodes, period: FY, access: strict, plan: planDisclosure(catalogue.measures, units, episodes, FY, 9)});
    expect(table.notes.join(" ")).toContain("Counts of 1-9 families");
  });

  it("hides the service map's need by source when one source is 1 to primaryMax (7 referrals under 9), and shows it under 5", () => {
    const need = [{ward: "biscot", age: 7, level: 3, source: "caf" as const, n: 40}, {ward: "biscot", age: 7, level: 3, source: "referral" as const, n: 7}];
    const wards = [{ward_id: "biscot", name: "Biscot", area_id: null}];
    const map = (access: ReturnType<typeof accessFor>) => buildServiceMap({period: FY, wards, need, unmappedReferrals: 0, episodes, providers: info, config: catalogue.serviceMap, access});
    expect(map(strict).needBySource).toEqual({caf: "c", referral: "c"});
    expect(map(accessFor({role: "commissioner"}, 5)).needBySource).toEqual({caf: 40, referral: 7});
  });
});

describe("provider figures for an audience whose policy rounds counts to 5", () => {
  const policies = resolvePolicies({roles: {commissioner: {roundTo: 5}}});
  const rounding = accessFor({role: "commissioner"}, 5, 5);
  const analyst = accessFor({role: "analyst"}, 5, 5);
  const plan = planDisclosure(catalogue.measures, units, episodes, FY, 5);
  const providers = [unit("provider:p4"), unit("provider:p5"), unit("provider:p6")];
  const compare = (adjust: "none" | "casemix", access = rounding) =>
    publishComparison(compareProviders(m, providers, unit("programme:pair"), episodes, FY, adjust, access.roundTo), access, access.mode === "full" ? null : plan);
  const wilson = (x: number, n: number, level: number) => proportionInterval(x, n, {level, multiplier: 100});

  it("carries the role's rounding from the app's policies into a request's access (none for an analyst)", () => {
    const ctx = (role: string) => ({get: (k: string) => (k === "principal" ? {id: "t", role, providerId: null, via: "token"} : {disclosure: policies})}) as unknown as Context;
    expect(accessOf(ctx("commissioner"))).toMatchObject({mode: "suppressed", primaryMax: 5, roundTo: 5});
    expect(accessOf(ctx("viewer")).roundTo).toBeNull();
    expect(accessOf(ctx("analyst"))).toMatchObject({mode: "full", roundTo: null});
  });

  it("shows p4's 7 of 30 better off as 5 of 30, with the percentage and both intervals from 5 and 30; an analyst sees 7", () => {
    const p4 = compare("none").providers[0];
    expect(p4).toMatchObject({providerId: "p4", numerator: 5, denominator: 30});
    expect(p4.value).toBeCloseTo((5 / 30) * 100, 12);
    expect([p4.lower95, p4.upper95]).toEqual([wilson(5, 30, 0.95).lower, wilson(5, 30, 0.95).upper]);
    expect([p4.lower998, p4.upper998]).toEqual([wilson(5, 30, 0.998).lower, wilson(5, 30, 0.998).upper]);
    const exact = compare("none", analyst).providers[0];
    expect(exact).toMatchObject({numerator: 7, denominator: 30});
    expect(exact.value).toBeCloseTo((7 / 30) * 100, 12);
  });

  it("builds the pooled average, the funnel and every label from the rounded counts (5 + 40 + 40 of 190, not 87)", () => {
    const body = compare("none");
    const rows = [{numerator: 5, denominator: 30}, {numerator: 40, denominator: 80}, {numerator: 40, denominator: 80}];
    expect(body.pooled).toEqual({numerator: 85, denominator: 190, value: (85 / 190) * 100});
    expect(body.funnels!.raw.centre).toBeCloseTo((85 / 190) * 100, 12);
    const limits = funnelLimits({statistic: "proportion", rows, multiplier: 100});
    expect(body.funnels!.raw.points.map((p) => p.upper95)).toEqual(limits.points.map((p) => p.upper95));
    expect(body.providers.map((p) => p.significance)).toEqual(funnelSignificance({statistic: "proportion", rows, multiplier: 100}));
    expect(compare("none", analyst).pooled).toMatchObject({numerator: 87, denominator: 190});
  });

  it("computes the case-mix comparison from the rounded counts: reference rate 85/190, expected 30 × 85/190, O/E 5/E", () => {
    const body = compare("casemix");
    expect(body.reference).toEqual([{ageGroup: "5-9", levelOfNeed: 3, numerator: 85, denominator: 190, rate: (85 / 190) * 100}]);
    const expected = (30 * 85) / 190;
    const r = indirectlyStandardisedRatio(5, expected, {level: 0.95});
    const a = body.providers[0].adjusted!;
    expect(a).toMatchObject({observed: 5, ratio: r.value, lower95: r.lower, upper95: r.upper});
    expect(a.expected).toBeCloseTo(expected, 12);
    expect(a.standardisedValue).toBeCloseTo((5 / expected) * (85 / 190) * 100, 10);
    const exact = compare("casemix", analyst);
    expect(exact.reference).toEqual([{ageGroup: "5-9", levelOfNeed: 3, numerator: 87, denominator: 190, rate: (87 / 190) * 100}]);
    expect(exact.providers[0].adjusted).toMatchObject({observed: 7});
  });

  it("rounds the report card's counts and computes its values from them; cost per family better off is the total cost over the rounded 5", () => {
    const card = reportCard({unit: unit("provider:p4"), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"} as never, access: rounding});
    const latest = (id: string) => card.measures.find((x) => x.id === id)!.latest;
    expect(latest("better-off")).toMatchObject({numerator: 5, denominator: 30, scoring: {ended: 30, scored: 30}});
    expect(latest("better-off-count")).toMatchObject({numerator: 5, value: 5});
    expect(latest("cost-per-family-better-off")).toMatchObject({numerator: 5, value: 3000 / 5, lower95: costPerInterval(3000, 5, 30, 0.95).lower});
    expect(card.shown).toMatch(/rounded to the nearest 5/);
    const vfm = valueForMoney(catalogue, units, episodes, FY, rounding, plan).rows.find((r) => r.id === "p4")!;
    expect(vfm).toMatchObject({betterOff: 5, episodesEnded: 30, totalCost: 3000, costPerFamilyBetterOff: 600});
    expect(valueForMoney(catalogue, units, episodes, FY, analyst, null).rows.find((r) => r.id === "p4")).toMatchObject({betterOff: 7, costPerFamilyBetterOff: 3000 / 7});
  });

  it("gives a mean cost for a rounded count as the mean times the rounded count over it: the total follows the count, the interval keeps its relative width", () => {
    const costs = [80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190];
    const twelve = costs.map((c) => ({...ep("p9", true), unitCost: c}));
    const unitCost = catalogue.byId.get("unit-cost") as PerformanceMeasure;
    const v = computeMeasure(unitCost, twelve, FY, 5);
    const total = costs.reduce((s, c) => s + c, 0);
    // 12 episodes shown as 10: the total shown is 10 × the mean (1,350), not the 1,620 spent.
    expect(v).toMatchObject({denominator: 10, totalCost: (total / 12) * 10, value: total / 12, method: "student-t"});
    const t = meanInterval(costs, {level: 0.95});
    expect(v.ci95!.lower).toBeCloseTo(t.lower as number, 9);
    expect(v.ci95!.upper! / v.value!).toBeCloseTo((t.upper as number) / (total / 12), 12);
    expect(computeMeasure(unitCost, twelve, FY)).toMatchObject({denominator: 12, totalCost: total, value: total / 12});
  });

  it("does not let money undo rounding: 28 episodes at the programme's published unit cost show a total of 30 × 100, and every cost from it", () => {
    const solo: EpisodeRow[] = Array.from({length: 28}, (_, i) => ({...ep("p7", i < 12), programmeId: "solo"}));
    const soloInfo: ProviderInfo[] = [{providerId: "p7", name: "Provider p7", kind: "commissioned",
      programmes: [{programmeId: "solo", name: "Solo", levelOfNeed: [3], ageBand: "0-17", outcomeMeasure: "score", reliableChange: 5, unitCost: 100}]}];
    const soloUnits = buildUnits(soloInfo, solo);
    const soloPlan = planDisclosure(catalogue.measures, soloUnits, solo, FY, 5);
    const row = valueForMoney(catalogue, soloUnits, solo, FY, rounding, soloPlan).rows.find((r) => r.id === "p7")!;
    // Total cost ÷ the published unit cost of 100 gives the shown 30 episodes, not the true 28.
    expect(row).toMatchObject({episodesEnded: 30, betterOff: 10, totalCost: 3000, costPerFamilyBetterOff: 300});
    expect((row.totalCost as number) / soloInfo[0].programmes[0].unitCost).toBe(row.episodesEnded);
    const card = reportCard({unit: soloUnits[0], units: soloUnits, measures: catalogue.measures, episodes: solo, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"} as never, access: rounding});
    const latest = (id: string) => card.measures.find((x) => x.id === id)!.latest;
    expect(latest("unit-cost")).toMatchObject({denominator: 30, value: 100});
    expect(latest("cost-per-completed-episode")).toMatchObject({numerator: 30, value: 100});
    expect(latest("cost-per-family-better-off")).toMatchObject({numerator: 10, value: 300, lower95: costPerInterval(3000, 10, 30, 0.95).lower});
    // Under a threshold that hides the 28, the total cost (and every cost) is hidden with it.
    const strict = valueForMoney(catalogue, soloUnits, solo, FY, accessFor({role: "commissioner"}, 30, 5), planDisclosure(catalogue.measures, soloUnits, solo, FY, 30));
    expect(strict.rows.find((r) => r.id === "p7")).toMatchObject({episodesEnded: "c", totalCost: "c", costPerFamilyBetterOff: "c", lower95: "c"});
    // The analyst sees what was spent.
    expect(valueForMoney(catalogue, soloUnits, solo, FY, analyst, null).rows.find((r) => r.id === "p7")).toMatchObject({episodesEnded: 28, totalCost: 2800});
  });

  it("rounds the service map's need and provision and computes provision per need, expected provision and ratios from them", () => {
    const need = [{ward: "biscot", age: 7, level: 3, source: "caf" as const, n: 12}, {ward: "dallow", age: 7, level: 3, source: "caf" as const, n: 40}];
    const wards = [{ward_id: "biscot", name: "Biscot", area_id: null}, {ward_id: "dallow", name: "Dallow", area_id: null}];
    const map = (access = rounding) => buildServiceMap({period: FY, wards, need, unmappedReferrals: 0, episodes, providers: info, config: catalogue.serviceMap, access});
    const cell = (body: ReturnType<typeof map>) => body.wards.find((w) => w.ward === "biscot")!.cells.find((c) => c.level === 3 && c.ageGroup === "5-9")!;
    const shown = map();
    // Biscot: need 12 shown as 10, provision 190 (every episode started there); the borough: need 52 as 50, provision 190.
    expect(cell(shown)).toMatchObject({need: 10, provision: 190, expectedProvision: 10 * (190 / 50), ratio: 190 / (10 * (190 / 50))});
    expect(shown.borough.find((b) => b.level === 3 && b.ageGroup === "5-9")).toMatchObject({need: 50, provision: 190, provisionPerNeed: 190 / 50});
    expect(shown.totals).toEqual({need: 50, provision: 190});
    expect(cell(map(analyst))).toMatchObject({need: 12, expectedProvision: 12 * (190 / 52)});
  });
});
