import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {indicatorId, NeedQuery, seed, splitList, wardId, year} from "./params.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {concentrationView, profileView, targetingRows, targetingView} from "../targeting/service.js";
import {disclosureFor} from "../auth/disclosure.js";
import {RANK_DRAWS} from "../stats/index.js";

/** Wards: the targeting table (every ward on chosen indicators, with a need index), concentration and inequality, and one ward's profile. */

const TargetingQuery = NeedQuery.extend({format: z.enum(["json", "csv"]).optional()});
const ConcentrationQuery = z.object({
  indicator: indicatorId,
  period: year.optional(),
  groups: z.enum(["ward", "quintile", "decile"]).default("ward"),
  seed
});
const WardId = z.object({id: wardId});
const ProfileQuery = z.object({seed});

describe({method: "get", path: "/api/wards/targeting", summary: "Every ward on the chosen indicators for a financial year: count, children, rate with 95%/99.8% intervals, ratio to the borough (O/E, funnel significance) and to the rest of the borough, excess cases, median rank with 95% rank interval, deprivation rank, target-ward flag, and a weighted composite need index with each component's contribution. Counts 1 to the role's primaryMax (5 by default) are c, with secondary suppression against the borough, target-ward and rest totals and every other table of the same counts (docs/methods/disclosure.md); analysts and admins see them unsuppressed", tag: "targeting", query: TargetingQuery, csv: true, responses: {404: "unknown indicator", 422: "no data for the period"}});
describe({method: "get", path: "/api/wards/concentration", summary: "Concentration curves (wards ordered by rate and by deprivation) with the concentration index, and the slope and relative index of inequality with simulation intervals", tag: "targeting", query: ConcentrationQuery, responses: {404: "unknown indicator", 422: "no data for the period"}});
describe({method: "get", path: "/api/wards/:id/profile", summary: "One ward's facts: every indicator by year against the borough and the target wards, its trend, and small-number warnings", tag: "targeting", params: WardId, query: ProfileQuery, responses: {404: "unknown ward"}});

export const wards = new Hono<Env>()
  .get("/targeting", valid("query", TargetingQuery), async (c) => {
    const q = c.req.valid("query");
    const view = await targetingView(c.var.reader, {...q, indicators: splitList(q.indicators)}, disclosureFor(c));
    if (wantsCsv(c)) return csvResponse(c, targetingRows(view), `ward-targeting-${view.period.label.replace("/", "-")}`);
    return c.json(view);
  })
  .get("/concentration", valid("query", ConcentrationQuery), async (c) => c.json(await concentrationView(c.var.reader, c.req.valid("query"), disclosureFor(c))))
  .get("/:id/profile", valid("param", WardId), valid("query", ProfileQuery), async (c) =>
    c.json(await profileView(c.var.reader, c.req.valid("param").id, {seed: c.req.valid("query").seed, draws: RANK_DRAWS}, disclosureFor(c))));
