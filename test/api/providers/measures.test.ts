import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseMeasureCatalogue, type PerformanceMeasure} from "../../../api/providers/catalogue.js";
import {Reference} from "../../../api/reference.js";
import {compareProviders, proportionFunnel, publishComparison} from "../../../api/providers/compare.js";
import {accessFor, buildUnits, canSee, planDisclosure, publishFor, viewerFrom, type Unit} from "../../../api/providers/disclosure.js";
import {deriveEpisode, resolvePeriod, workingDaysBetween, type EpisodeRow, type ProviderInfo, type RawEpisode} from "../../../api/providers/episodes.js";
import {computeMeasure, costPerInterval} from "../../../api/providers/measures.js";
import {reportCard} from "../../../api/providers/report-card.js";
import {funnelLimits} from "../../../api/stats/funnel.js";
import {proportionInterval} from "../../../api/stats/intervals.js";
import {readCsv, req} from "../../unit/stats/csv.js";

/**
 * The pure core of provider performance: measures from episodes, fair comparison, and who sees
 * what. Episodes are built by hand so every expected figure can be worked out on paper.
 */

const catalogue = new Reference().measures;
const measure = (id: string) => catalogue.byId.get(id) as PerformanceMeasure;
const FY = resolvePeriod("2014/15");

let serial = 0;
/** A scored, completed 2014/15 episode; `improved` decides a reliable improvement (reliable change 5). */
function ep(over: Partial<RawEpisode> & {improved?: boolean} = {}): EpisodeRow {
  const {improved = true, ...rest} = over;
  serial++;
  const raw: RawEpisode = {
    episode_id: `E${serial}`, provider_id: "p1", programme_id: "g1", ward: "biscot", age: 6, level_of_need: 2,
    referral_date: "2014-05-01", start_date: "2014-05-08", end_date: "2014-09-01", end_reason: "completed",
    outcome_pre: 10, outcome_post: improved ? 20 : 12, reliable_change: 5, unit_cost: 100,
    follow_up_end: "2015-09-01", referred_12m: false, ...rest
  };
  return deriveEpisode(raw, "2016-03-31");
}
const many = (n: number, over: Partial<RawEpisode> & {improved?: boolean} = {}) => Array.from({length: n}, () => ep(over));

const providerInfo = (ids: string[], programme = (id: string) => `g-${id}`): ProviderInfo[] =>
  ids.map((id) => ({providerId: id, name: `Provider ${id}`, kind: "commissioned", programmes: [{programmeId: programme(id), name: `Programme ${programme(id)}`, levelOfNeed: [2, 3, 4], ageBand: "0-17", outcomeMeasure: "score", reliableChange: 5, unitCost: 100}]}));

describe("the performance-measure catalogue", () => {
  it("loads every measure with its OBA quadrant, and names the data development agenda", () => {
    const quadrants = new Set(catalogue.measures.map((m) => m.quadrant));
    expect([...quadrants].sort()).toEqual(["better-off", "how-much", "how-well"]);
    expect(measure("better-off")).toMatchObject({statistic: "proportion", cohort: "scored", caseMix: true});
    expect(measure("not-referred-12-months").numerator).toEqual([{derived: "referred_within_12_months", op: "eq", value: false}]);
    expect(measure("contacts").dataDevelopment).toMatch(/no contact/);
  });

  it("refuses an entry that filters on an unknown field, with the measure named", () => {
    const json = JSON.parse(readFileSync("data/reference/performance-measures.json", "utf8"));
    json.measures[4].numerator = [{field: "child_key", op: "eq", value: "x"}];
    expect(() => parseMeasureCatalogue(json)).toThrow(/started-within-10-working-days.*cannot be filtered on 'child_key'/);
  });

  it("refuses a percentage without a numerator, case mix on a count, and an end reason that does not exist", () => {
    const base = JSON.parse(readFileSync("data/reference/performance-measures.json", "utf8"));
    const broken = (i: number, patch: object) => ({...base, measures: base.measures.map((m: object, k: number) => (k === i ? {...m, ...patch} : m))});
    expect(() => parseMeasureCatalogue(broken(5, {numerator: []}))).toThrow(/completing: a proportion measure needs numerator filters/);
    expect(() => parseMeasureCatalogue(broken(0, {caseMix: true}))).toThrow(/families-referred: case-mix adjustment applies to proportions only/);
    expect(() => parseMeasureCatalogue(broken(5, {numerator: [{field: "end_reason", op: "eq", value: "finished"}]}))).toThrow(/'finished' is not a value of end_reason/);
  });
});

describe("measures from episodes", () => {
  it("counts working days as weekdays after the referral up to and including the start", () => {
    expect(workingDaysBetween("2014-05-02", "2014-05-05")).toBe(1); // Friday → Monday
    expect(workingDaysBetween("2014-05-05", "2014-05-05")).toBe(0);
    expect(workingDaysBetween("2014-05-05", "2014-05-19")).toBe(10); // two weeks
    expect(workingDaysBetween("2014-05-05", "2014-05-20")).toBe(11);
    expect(workingDaysBetween("2014-05-03", "2014-05-04")).toBe(0); // Saturday → Sunday
  });

  it("places episodes in cohorts by the date each measure is about", () => {
    const es = [
      ep({referral_date: "2014-03-20", start_date: "2014-04-02", end_date: "2014-06-01"}), // referred the year before
      ep({start_date: null, end_date: "2014-05-20", end_reason: "declined", outcome_pre: null, outcome_post: null}), // never started
      ep({end_date: null, end_reason: null, outcome_post: null}), // still open
      ep({end_reason: "disengaged", outcome_post: null})
    ];
    expect(computeMeasure(measure("families-referred"), es, FY).value).toBe(3);
    expect(computeMeasure(measure("families-started"), es, FY).value).toBe(3);
    expect(computeMeasure(measure("families-worked-with"), es, FY).value).toBe(3);
    const completing = computeMeasure(measure("completing"), es, FY);
    expect(completing).toMatchObject({numerator: 1, denominator: 2, value: 50, method: "wilson"});
    const better = computeMeasure(measure("better-off"), es, FY);
    expect(better).toMatchObject({numerator: 1, denominator: 1, scoring: {ended: 2, scored: 1}});
  });

  it("gives cost per family better off with the cost divided by the Wilson limits of the number better off", () => {
    const es = [...many(10, {unit_cost: 300}), ...many(40, {improved: false, unit_cost: 100})];
    const v = computeMeasure(measure("cost-per-family-better-off"), es, FY);
    const w = proportionInterval(10, 50, {level: 0.95});
    expect(v.value).toBeCloseTo(7000 / 10, 9);
    expect(v.ci95!.lower).toBeCloseTo(7000 / (50 * (w.upper as number)), 9);
    expect(v.ci95!.upper).toBeCloseTo(7000 / (50 * (w.lower as number)), 9);
    expect(costPerInterval(7000, 10, 50, 0.998).upper).toBeGreaterThan(v.ci95!.upper as number);
  });

  it("says a percentage with no one in its denominator is not applicable rather than zero", () => {
    const v = computeMeasure(measure("better-off"), [], FY);
    expect(v).toMatchObject({available: false, numerator: 0, denominator: 0, value: null});
  });

  it("does not measure re-referral for a year whose 12 months of follow-up are not all loaded", () => {
    const late = deriveEpisode({...rawOf(ep()), follow_up_end: "2016-09-01"}, "2016-03-31");
    const v = computeMeasure(measure("not-referred-12-months"), [ep(), late], FY);
    expect(v.available).toBe(false);
    expect(v.reason).toMatch(/follow-up incomplete: 1 of 2/);
  });
});

function rawOf(e: EpisodeRow): RawEpisode {
  return {
    episode_id: e.episodeId, provider_id: e.providerId, programme_id: e.programmeId, ward: e.ward, age: e.age, level_of_need: e.levelOfNeed,
    referral_date: e.referralDate, start_date: e.startDate, end_date: e.endDate, end_reason: e.endReason, outcome_pre: e.outcomePre,
    outcome_post: e.outcomePost, reliable_change: e.reliableChange, unit_cost: e.unitCost, follow_up_end: "2015-09-01", referred_12m: e.referredWithin12Months
  };
}

describe("fair comparison", () => {
  // A takes mostly level 2 families, B mostly level 4; both do exactly as well as the pool in every stratum.
  const episodes = [
    ...many(80, {provider_id: "a", level_of_need: 2}), ...many(20, {provider_id: "a", level_of_need: 2, improved: false}),
    ...many(8, {provider_id: "a", level_of_need: 4}), ...many(12, {provider_id: "a", level_of_need: 4, improved: false}),
    ...many(16, {provider_id: "b", level_of_need: 2}), ...many(4, {provider_id: "b", level_of_need: 2, improved: false}),
    ...many(40, {provider_id: "b", level_of_need: 4}), ...many(60, {provider_id: "b", level_of_need: 4, improved: false})
  ];
  const units = buildUnits(providerInfo(["a", "b"]), episodes);
  const providers = units.filter((u) => u.kind === "provider");
  const all = units.find((u) => u.kind === "all") as Unit;

  it("shows the provider that takes harder cases as worse raw, and as expected once case mix is allowed for", () => {
    const cmp = compareProviders(measure("better-off"), providers, all, episodes, FY, "casemix");
    const [a, b] = cmp.rows;
    expect(a.value).toBeCloseTo((88 / 120) * 100, 9);
    expect(b.value).toBeCloseTo((56 / 120) * 100, 9);
    expect(a.significance).toBe("High (0.025)");
    expect(b.significance).toBe("Low (0.025)");
    // Reference rates: level 2 96/120 = 0.8, level 4 48/120 = 0.4; E(a) = 100·0.8 + 20·0.4 = 88, E(b) = 20·0.8 + 100·0.4 = 56.
    expect(a.adjusted!.expected).toBeCloseTo(88, 9);
    expect(b.adjusted!.expected).toBeCloseTo(56, 9);
    expect(b.adjusted!.ratio).toBeCloseTo(1, 12);
    expect(b.adjusted!.significance).toBe("Not significant");
    expect(b.adjusted!.standardisedValue).toBeCloseTo(60, 9);
    const published = publishComparison(cmp, accessFor({role: "analyst"}), null);
    expect(published.adjustment.used).toBe("casemix");
    expect(published.providers[1].verdict).toMatch(/worse than the average.*similar to the average.*explained by the families it serves/);
  });

  it("says no adjustment was used when none was asked for", () => {
    const cmp = compareProviders(measure("better-off"), providers, all, episodes, FY, "none");
    expect(cmp.rows[1].adjusted).toBeNull();
    expect(publishComparison(cmp, accessFor({role: "analyst"}), null).adjustment).toMatchObject({used: "none"});
  });

  it("refuses counts, costs and measures not offered with case mix, with 4xx errors", () => {
    expect(() => compareProviders(measure("families-referred"), providers, all, episodes, FY, "none")).toThrow(/families-referred is a count/);
    expect(() => compareProviders(measure("unit-cost"), providers, all, episodes, FY, "none")).toThrow(/is a mean/);
  });

  it("uses PHE's proportion funnel: labels and limits of phe/funnel_prop_* come out unchanged", () => {
    const inputs = readCsv("phe/funnel_prop_inputs.csv");
    const rows = inputs.map((r) => ({numerator: req(r.numerator), denominator: req(r.denominator)}));
    const f = proportionFunnel(rows);
    expect(f.significance).toEqual(inputs.map((r) => r.significance));
    for (const [i, r] of readCsv("phe/funnel_prop_outputs.csv").entries()) {
      const p = f.limits.points[i];
      expect(p.axis).toBe(req(r.Population));
      const pairs = [[p.lower95.value, r.lower_2s_limit], [p.upper95.value, r.upper_2s_limit], [p.lower998.value, r.lower_3s_limit], [p.upper998.value, r.upper_3s_limit], [f.limits.baseline, r.baseline]] as const;
      for (const [got, want] of pairs) expect(Math.abs(got - req(want))).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(req(want)), 1e-9));
    }
    expect(f.limits).toEqual(funnelLimits({statistic: "proportion", rows, multiplier: 100}));
  });
});

describe("who sees what (a fake viewer)", () => {
  // Three providers of one programme. p1 helps 4 of 30 (a small count); p2 helps 10 of 40; p3 20 of 50.
  const episodes = [
    ...many(4, {provider_id: "p1", programme_id: "shared"}), ...many(26, {provider_id: "p1", programme_id: "shared", improved: false}),
    ...many(10, {provider_id: "p2", programme_id: "shared"}), ...many(30, {provider_id: "p2", programme_id: "shared", improved: false}),
    ...many(20, {provider_id: "p3", programme_id: "shared"}), ...many(30, {provider_id: "p3", programme_id: "shared", improved: false}),
    ...many(30, {provider_id: "p4", programme_id: "pair"}), ...many(30, {provider_id: "p5", programme_id: "pair"})
  ];
  const info = [...providerInfo(["p1", "p2", "p3"], () => "shared"), ...providerInfo(["p4", "p5"], () => "pair")];
  const units = buildUnits(info, episodes);
  const unit = (id: string) => units.find((u) => u.id === id) as Unit;
  const plan = planDisclosure(catalogue.measures, units, episodes, FY);
  const m = measure("better-off");
  const shared = unit("programme:shared");
  const pool = [unit("provider:p1"), unit("provider:p2"), unit("provider:p3")];
  const cmp = compareProviders(m, pool, shared, episodes, FY, "casemix");

  it("reads the principal defensively: none means a commissioner with suppression", () => {
    expect(accessFor(viewerFrom(undefined)).mode).toBe("suppressed");
    expect(accessFor(viewerFrom({role: "provider", providerId: "p1"}))).toMatchObject({mode: "own-provider", providerId: "p1"});
    expect(accessFor(viewerFrom({role: 42}))).toMatchObject({mode: "suppressed"});
    expect(accessFor(viewerFrom({role: "admin"})).mode).toBe("full");
  });

  it("shows a commissioner small counts as c, and hides a second count so the first cannot be recovered from the pooled total", () => {
    const out = publishComparison(cmp, accessFor({role: "commissioner"}), plan);
    const byId = Object.fromEntries(out.providers.map((r) => [r.providerId, r]));
    expect(byId.p1).toMatchObject({numerator: "c", value: "c", significance: "c"});
    // p2's 10 is not small, but with p3 and the pooled 34 shown it would give p1 away: hidden too.
    expect(byId.p2).toMatchObject({numerator: "c", value: "c"});
    expect(out.pooled).toMatchObject({numerator: 34, denominator: 120});
    expect(byId.p3).toMatchObject({numerator: 20, denominator: 50, value: 40});
    expect(JSON.stringify(out)).not.toMatch(/"numerator":(4|10)\b/);
  });

  it("shows a provider its own figures in full, no other provider at all, and the pooled average of the others", () => {
    const out = publishComparison(cmp, accessFor({role: "provider", providerId: "p1"}), plan);
    expect(out.providers.map((r) => r.providerId)).toEqual(["p1"]);
    expect(out.providers[0]).toMatchObject({numerator: 4, denominator: 30, shown: "in full"});
    expect(out.notShown).toMatchObject({providers: 2});
    expect(out.pooled).toMatchObject({numerator: 34, denominator: 120});
    expect(out.reference).toBeNull();
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/"p2"|"p3"/);
  });

  it("never shows one provider's figures to another, even suppressed", () => {
    const p2 = accessFor({role: "provider", providerId: "p2"});
    expect(publishFor(p2, unit("provider:p1"), m, episodes, plan)).toBeNull();
    expect(() => reportCard({unit: unit("provider:p1"), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"}, access: p2}))
      .toThrow(/a provider sees its own figures only/);
  });

  it("lets a provider see a pool only when at least two other providers are in it", () => {
    const p4 = accessFor({role: "provider", providerId: "p4"});
    expect(canSee(p4, unit("programme:pair")).see).toBe(false); // p4 + p5: p4 could subtract its own
    expect(canSee(p4, unit("programme:shared"))).toMatchObject({see: true, full: false});
    expect(canSee(accessFor({role: "provider", providerId: "p1"}), shared)).toMatchObject({see: true, full: false}); // p2 and p3 besides p1
    expect(canSee(accessFor({role: "provider", providerId: "p1"}), unit("provider:p1"))).toMatchObject({see: true, full: true});
  });

  it("shows an analyst everything unsuppressed", () => {
    const out = publishComparison(cmp, accessFor({role: "analyst"}), null);
    expect(out.providers.map((r) => r.numerator)).toEqual([4, 10, 20]);
  });

  it("hides a count everywhere it is published once the plan hides it (percentage, number and cost per family)", () => {
    const commissioner = accessFor({role: "commissioner"});
    for (const id of ["better-off", "better-off-count", "cost-per-family-better-off"]) {
      expect(publishFor(commissioner, unit("provider:p1"), measure(id), episodes, plan)?.value, id).toBe("c");
    }
    expect(plan.unprotected).toEqual([]);
  });

  it("gives a provider's report card in the OBA quadrants, with a commissioner's small counts suppressed", () => {
    const card = reportCard({unit: unit("provider:p3"), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"}, access: accessFor(undefined)});
    expect(card.quadrants.map((q) => q.question)).toEqual(["How much did we do?", "How well did we do it?", "Is anyone better off?"]);
    const byId = Object.fromEntries(card.measures.map((x) => [x.id, x]));
    expect(byId["better-off"].latest).toMatchObject({numerator: 20, denominator: 50, value: 40, flag: null});
    expect(byId["stepped-up"].latest).toMatchObject({numerator: 0, value: 0});
    expect(byId.contacts).toMatchObject({available: false, latest: {flag: "x"}});
    expect(byId["better-off"].baseline?.forecast).toMatchObject({available: false});
    const p1 = reportCard({unit: unit("provider:p1"), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2014-04-01", to: "2015-03-31"}, access: accessFor(undefined)});
    expect(p1.measures.find((x) => x.id === "better-off")?.latest).toMatchObject({numerator: "c", denominator: 30, value: "c", flag: "c"});
  });
});
