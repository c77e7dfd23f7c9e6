import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types
import {councilPublishedOf} from "../../../dashboards/components/published-figures.js";

describe("counts the council has already published", () => {
  it("are named once per source with the periods they touch; unmarked points add nothing", () => {
    const report = "Leeds City Council, report to Executive Board, 5 March 2014";
    const points = [
      {period: "2010/11", numerator: "c"},
      {period: "2011/12", numerator: 160, published: {by: "council", sources: [report]}},
      {period: "2012/13", numerator: 136, published: {by: "council", sources: [report]}}
    ];
    expect(councilPublishedOf(points)).toEqual([{source: report, periods: ["2011/12", "2012/13"]}]);
    expect(councilPublishedOf([{period: "2010/11"}])).toEqual([]);
  });
});
