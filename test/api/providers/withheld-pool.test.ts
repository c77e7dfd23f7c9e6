import {describe, expect, it} from "vitest";
import {type PerformanceMeasure} from "../../../api/providers/catalogue.js";
import {Reference} from "../../../api/reference.js";
import {compareProviders, publishComparison} from "../../../api/providers/compare.js";
import {accessFor, buildUnits, planDisclosure, type Unit} from "../../../api/providers/disclosure.js";
import {deriveEpisode, resolvePeriod, type EpisodeRow, type ProviderInfo, type RawEpisode} from "../../../api/providers/episodes.js";

/**
 * A withheld pooled figure stays withheld: nothing published beside it may give it back. With case
 * mix, the standardised value is ratio × pooled rate, and the expected counts add up to the pooled
 * numerator, so they go with the pool.
 */
const catalogue = new Reference().measures;
const m = catalogue.byId.get("better-off") as PerformanceMeasure;
const FY = resolvePeriod("2014/15");

let serial = 0;
function ep(provider: string, improved: boolean, age: number, need: number): EpisodeRow {
  serial++;
  const raw: RawEpisode = {
    episode_id: `W${serial}`, provider_id: provider, programme_id: "pair", ward: "biscot", age, level_of_need: need,
    referral_date: "2014-05-01", start_date: "2014-05-08", end_date: "2014-09-01", end_reason: "completed",
    outcome_pre: 10, outcome_post: improved ? 20 : 12, reliable_change: 5, unit_cost: 100, follow_up_end: "2015-09-01", referred_12m: false
  };
  return deriveEpisode(raw, "2016-03-31");
}
const episodes: EpisodeRow[] = [];
for (const [provider, rate] of [["p4", 0.3], ["p5", 0.6]] as const) {
  for (let i = 0; i < 80; i++) episodes.push(ep(provider, (i * 7919) % 100 < rate * 100, [3, 7, 12][i % 3], 2 + (i % 3)));
}
const info: ProviderInfo[] = ["p4", "p5"].map((id) => ({providerId: id, name: `Provider ${id}`, kind: "commissioned",
  programmes: [{programmeId: "pair", name: "Pair", levelOfNeed: [2, 3, 4], ageBand: "0-17", outcomeMeasure: "score", reliableChange: 5, unitCost: 100}]}));
const units = buildUnits(info, episodes);
const unit = (id: string) => units.find((u) => u.id === id) as Unit;
const plan = planDisclosure(catalogue.measures, units, episodes, FY);

describe("a withheld provider pool", () => {
  const cmp = compareProviders(m, [unit("provider:p4"), unit("provider:p5")], unit("programme:pair"), episodes, FY, "casemix");
  const out = publishComparison(cmp, accessFor({role: "provider", providerId: "p4"}), plan);
  const mine = out.providers[0];

  it("is withheld from a provider who could subtract its own figures", () => {
    expect(out.pooled).toMatchObject({numerator: "c", denominator: "c", value: "c"});
    expect(mine).toMatchObject({providerId: "p4", numerator: 24, shown: "in full"});
  });

  it("cannot be recovered from the standardised value and ratio, the expected count, or the ratio's limits", () => {
    const a = mine.adjusted as Record<string, unknown>;
    for (const k of ["standardisedValue", "ratio", "expected", "lower95", "upper95", "lower998", "upper998", "significance"]) expect({k, v: a[k]}).toEqual({k, v: "c"});
    expect(mine.significance).toBe("c");
    expect(mine.verdict).toBeNull();
    // Nothing in the answer carries the pooled rate (to 6 significant figures) or the other provider's numerator.
    const pooled = cmp.pooled.value.toPrecision(6);
    const numbers = JSON.stringify(out).match(/-?\d+(\.\d+)?/g) ?? [];
    expect(numbers.filter((n) => Number(n).toPrecision(6) === pooled)).toEqual([]);
  });

  it("still shows an analyst every figure", () => {
    const full = publishComparison(cmp, accessFor({role: "analyst"}), null);
    const a = full.providers[0].adjusted as Record<string, unknown>;
    expect(typeof a.standardisedValue).toBe("number");
    expect((a.standardisedValue as number) / (a.ratio as number)).toBeCloseTo(cmp.pooled.value, 9);
  });
});
