import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {DEFAULT_SINCE, reviewView} from "../targeting/service.js";
import {summaryView} from "../targeting/summary.js";
import {indicatorList, NeedQuery, splitList} from "./params.js";
import {disclosureFor} from "../auth/disclosure.js";

/** The target wards together: against the rest of the borough on every indicator, and a review of the set itself. */

const SummaryQuery = z.object({
  period: z.string().max(20).optional(),
  since: z.string().max(20).default(DEFAULT_SINCE),
  indicators: indicatorList("expected indicator ids separated by commas").optional(),
  format: z.enum(["json", "csv"]).optional()
});

describe({method: "get", path: "/api/target-wards/summary", summary: "The target wards vs the rest vs the borough for every indicator published by ward: rates, rate ratio with interval, share of cases vs share of children, excess cases, and the gap over time (closing or not since `since`, with the Fingertips trend and a turn-the-curve verdict on the gap)", tag: "targeting", query: SummaryQuery, csv: true, responses: {404: "unknown indicator", 422: "no data for the period"}});
describe({method: "get", path: "/api/target-wards/review", summary: "Wards ranked by need with rank intervals; wards outside the target set whose need is clearly higher than a target ward's, and target wards no longer distinguishable from the borough", tag: "targeting", query: NeedQuery, responses: {404: "unknown indicator", 422: "no data for the period"}});

export const targetWards = new Hono<Env>()
  .get("/summary", valid("query", SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const view = await summaryView(c.var.reader, {period: q.period, since: q.since, indicators: splitList(q.indicators)}, disclosureFor(c));
    if (wantsCsv(c)) {
      const rows = view.indicators.map((r) => r.available
        ? {indicator: r.indicator.id, period: r.period, target_count: r.targetWards.count, target_rate: r.targetWards.rate.value, rest_count: r.rest.count, rest_rate: r.rest.rate.value,
            borough_count: r.borough.count, borough_rate: r.borough.rate.value, rate_ratio: r.rateRatio.value, rate_ratio_lower95: r.rateRatio.lower95, rate_ratio_upper95: r.rateRatio.upper95,
            share_of_cases: r.shareOfCases.value, share_of_children: r.shareOfChildren, excess: r.excess.value, gap: r.gap.status, gap_judgement: r.gap.judgement, statement: r.statement}
        : {indicator: r.indicator.id, period: view.period.label, gap: "not available", statement: r.reason});
      return csvResponse(c, rows, `target-wards-${view.period.label.replace("/", "-")}`);
    }
    return c.json(view);
  })
  .get("/review", valid("query", NeedQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json(await reviewView(c.var.reader, {...q, indicators: splitList(q.indicators)}, disclosureFor(c)));
  });
