import {describe, expect, it} from "vitest";
import {loadMeasureCatalogue, type PerformanceMeasure} from "../../../api/providers/catalogue.js";
import {compareProviders, publishComparison} from "../../../api/providers/compare.js";
import {accessFor, buildUnits, planDisclosure, type Unit} from "../../../api/providers/disclosure.js";
import {deriveEpisode, resolvePeriod, type EpisodeRow, type ProviderInfo, type RawEpisode} from "../../../api/providers/episodes.js";

/**
 * Provider figures follow the audience's disclosure policy (api/oba/policy.ts): a role whose policy
 * hides counts up to 9 gets a plan of its own, in which a provider's 7 is c.
 */
const catalogue = loadMeasureCatalogue();
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
