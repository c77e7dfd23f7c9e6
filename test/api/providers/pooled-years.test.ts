import {describe, expect, it} from "vitest";
import {Reference} from "../../../api/reference.js";
import {accessFor, buildUnits, type Unit} from "../../../api/providers/disclosure.js";
import {deriveEpisode, resolvePeriod, type EpisodeRow, type ProviderInfo, type RawEpisode} from "../../../api/providers/episodes.js";
import {reportCard} from "../../../api/providers/report-card.js";

/**
 * "Not referred within 12 months" is a small linked cohort: a year that is `c` for a commissioner is
 * also reported pooled with the year before (counts added), unless that would give a hidden year back.
 */
const catalogue = new Reference().measures;
const FY = resolvePeriod("2014/15");

let serial = 0;
/** A followed-up episode ending in the given financial year (2013 → 2013/14), referred again within 12 months or not. */
function ep(provider: string, fy: number, referred: boolean): EpisodeRow {
  serial++;
  const raw: RawEpisode = {
    episode_id: `P${serial}`, provider_id: provider, programme_id: `g-${provider}`, ward: "biscot", age: 6, level_of_need: 2,
    referral_date: `${fy}-05-01`, start_date: `${fy}-05-08`, end_date: `${fy}-09-01`, end_reason: "completed",
    outcome_pre: 10, outcome_post: 20, reliable_change: 5, unit_cost: 100, follow_up_end: `${fy + 1}-09-01`, referred_12m: referred
  };
  return deriveEpisode(raw, "2016-03-31");
}
const cohort = (provider: string, fy: number, notReferred: number, referred: number) => [
  ...Array.from({length: notReferred}, () => ep(provider, fy, false)), ...Array.from({length: referred}, () => ep(provider, fy, true))
];
const episodes = [
  // small: 3 referred again in each year (c), 6 over the two years
  ...cohort("small", 2013, 10, 3), ...cohort("small", 2014, 10, 3),
  // one year shown, the next hidden: the pooled figure minus the shown year would give the hidden one
  ...cohort("mixed", 2013, 50, 40), ...cohort("mixed", 2014, 10, 2),
  ...cohort("big1", 2013, 40, 25), ...cohort("big1", 2014, 40, 25),
  ...cohort("big2", 2013, 35, 30), ...cohort("big2", 2014, 35, 30),
  ...cohort("big3", 2013, 45, 20), ...cohort("big3", 2014, 45, 20)
];
const ids = ["small", "mixed", "big1", "big2", "big3"];
const info: ProviderInfo[] = ids.map((id) => ({providerId: id, name: `Provider ${id}`, kind: "commissioned",
  programmes: [{programmeId: `g-${id}`, name: `Programme ${id}`, levelOfNeed: [2, 3, 4], ageBand: "0-17", outcomeMeasure: "score", reliableChange: 5, unitCost: 100}]}));
const units = buildUnits(info, episodes);
const unit = (id: string) => units.find((u) => u.id === `provider:${id}`) as Unit;
const card = (id: string, role: string) => reportCard({unit: unit(id), units, measures: catalogue.measures, episodes, period: FY, coverage: {from: "2013-04-01", to: "2016-03-31"}, access: accessFor({role})});
const linkage = (c: ReturnType<typeof card>) => c.measures.find((m) => m.id === "not-referred-12-months")!;

describe("the linkage measure pooled over two years when a year is too small", () => {
  it("reports a commissioner the two years pooled where the year alone is c", () => {
    const m = linkage(card("small", "commissioner"));
    expect(m.latest).toMatchObject({value: "c"});
    expect(m.pooledTwoYears).toMatchObject({years: ["2013/14", "2014/15"], numerator: 20, denominator: 26, flag: null});
    expect(m.pooledTwoYears!.value).toBeCloseTo((20 / 26) * 100, 9);
  });

  it("withholds the pooled figure when one year is shown, since pooled minus that year is the hidden one", () => {
    const m = linkage(card("mixed", "commissioner"));
    expect(m.previous).toMatchObject({numerator: 50, denominator: 90});
    expect(m.latest).toMatchObject({value: "c"});
    expect(m.pooledTwoYears).toMatchObject({value: "c", numerator: "c"});
  });

  it("adds nothing where the year is shown, or for an analyst who sees it unsuppressed", () => {
    expect(linkage(card("big1", "commissioner")).pooledTwoYears).toBeNull();
    expect(linkage(card("small", "analyst")).pooledTwoYears).toBeNull();
  });
});
