import {Hono, type Context} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {accessOf} from "../auth/disclosure.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {ApiError, notFound} from "../errors.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {providerCatalogueId} from "./params.js";
import {QUADRANTS, describeMeasure} from "../providers/catalogue.js";
import {ADJUSTMENTS, compareProviders, publishComparison} from "../providers/compare.js";
import {canSee, namedProviders, type Unit} from "../providers/disclosure.js";
import {loadProviderData} from "../providers/data.js";
import {assertCovered, latestYear, resolvePeriod, type ResolvedPeriod} from "../providers/episodes.js";
import {reportCard} from "../providers/report-card.js";
import {valueForMoney} from "../providers/value.js";
import {quadrantTable} from "../providers/quadrant-table.js";

/**
 * Providers and programmes: the performance-measure catalogue, OBA report cards, fair comparisons
 * (funnels, case-mix adjustment) and value for money. Handlers validate, load the episodes and
 * call the pure functions in api/providers/, passing who is asking so they can filter.
 */

const slug = providerCatalogueId;
const period = z.string().trim().max(20).optional()
  .describe("a financial year such as 2014/15, or a quarter such as 2014/15 Q2 (default: the latest financial year loaded)");
const Id = z.object({id: slug});
const PeriodQuery = z.object({period, format: z.enum(["json", "csv"]).optional()});
const CardQuery = z.object({period});
const CompareQuery = z.object({
  measure: slug.describe("a percentage measure of the catalogue, e.g. better-off"),
  period,
  adjust: z.enum(ADJUSTMENTS).default("none").describe("none: raw percentages; casemix: indirectly standardised by age group and level of need at referral"),
  programme: slug.optional().describe("compare only the providers delivering this programme"),
  format: z.enum(["json", "csv"]).optional()
});

const load = (c: Context<Env>) => loadProviderData(c.var.reader);

function periodOf(text: string | undefined, coverage: Parameters<typeof assertCovered>[1]): ResolvedPeriod {
  const p = text ? resolvePeriod(text) : latestYear(coverage);
  if (!p) throw new ApiError(422, "no-service-episodes", "no service-episodes extract has been loaded yet, so there is nothing to measure");
  assertCovered(p, coverage);
  return p;
}

function unitOr404(units: readonly Unit[], kind: "provider" | "programme", id: string): Unit {
  const u = units.find((x) => x.kind === kind && x.key === id);
  if (!u) throw notFound(kind, id);
  return u;
}

describe({method: "get", path: "/api/providers", summary: "Providers, their programmes and the performance-measure catalogue (OBA quadrants)", tag: "providers"});
describe({method: "get", path: "/api/providers/compare", summary: "Every provider on one percentage measure: intervals, funnel limits (95%, 99.8%) around the pooled average, significance, and with adjust=casemix indirectly standardised ratios by age group and level of need", tag: "providers", query: CompareQuery, csv: true, responses: {422: "period not loaded, or the measure cannot be computed for it"}});
describe({method: "get", path: "/api/providers/quadrants", summary: "Every provider the viewer may see on one screen: the latest value of every performance measure, grouped by OBA quadrant (how much, how well, is anyone better off)", tag: "providers", query: CardQuery});
describe({method: "get", path: "/api/providers/value-for-money", summary: "Cost per family better off, with an interval, per provider, per programme and for all providers", tag: "providers", query: PeriodQuery, csv: true, responses: {422: "period not loaded"}});
describe({method: "get", path: "/api/providers/programmes/:id/report-card", summary: "OBA report card for a programme (pooled over the providers delivering it): every measure by quadrant with baseline, trend, SPC and forecast", tag: "providers", params: Id, query: CardQuery, responses: {403: "a provider may not see this pool", 404: "unknown programme", 422: "period not loaded"}});
describe({method: "get", path: "/api/providers/:id/report-card", summary: "OBA report card for a provider: every measure by quadrant with baseline, trend, SPC and forecast", tag: "providers", params: Id, query: CardQuery, responses: {403: "a provider may see only its own report card", 404: "unknown provider", 422: "period not loaded"}});

export const providers = new Hono<Env>()
  .get("/", async (c) => {
    const access = accessOf(c);
    const {providers: list, units, coverage, referralsCoverage, catalogue} = await load(c);
    return c.json({
      // A provider is shown its own service only: other providers' names never reach its browser.
      providers: list.filter((p) => access.mode !== "own-provider" || p.providerId === access.providerId).map((p) => ({id: p.providerId, name: p.name, kind: p.kind, programmes: p.programmes.map((g) => ({
        id: g.programmeId, name: g.name, levelOfNeed: g.levelOfNeed, ageBand: g.ageBand, outcomeMeasure: g.outcomeMeasure, reliableChange: g.reliableChange, unitCost: g.unitCost
      })), reportCard: canSee(access, units.find((u) => u.id === `provider:${p.providerId}`)!).see ? `/api/providers/${p.providerId}/report-card` : null})),
      programmes: units.filter((u) => u.kind === "programme").map((u) => ({id: u.key, name: u.name, providers: namedProviders(access, u.providers), providerCount: u.providers.length,
        reportCard: canSee(access, u).see ? `/api/providers/programmes/${u.key}/report-card` : null})),
      quadrants: QUADRANTS.map((q) => ({...q, measures: catalogue.measures.filter((m) => m.quadrant === q.id).map((m) => m.id)})),
      measures: catalogue.measures.map(describeMeasure),
      coverage: {serviceEpisodes: coverage, referrals: referralsCoverage},
      access: access.label
    });
  })
  .get("/compare", valid("query", CompareQuery), async (c) => {
    const q = c.req.valid("query");
    const access = accessOf(c);
    const d = await load(c);
    const measure = d.catalogue.byId.get(q.measure);
    if (!measure) {
      throw new ApiError(400, "unknown-measure", `no performance measure '${q.measure}'; percentages that can be compared: ${d.catalogue.measures.filter((m) => m.statistic === "proportion" && !m.dataDevelopment).map((m) => m.id).join(", ")}`, {field: "measure"});
    }
    const p = periodOf(q.period, d.coverage);
    const pool = q.programme ? unitOr404(d.units, "programme", q.programme) : d.units.find((u) => u.kind === "all")!;
    const providerUnits = d.units.filter((u) => u.kind === "provider" && pool.providers.includes(u.key));
    const cmp = compareProviders(measure, providerUnits, pool, d.episodes, p, q.adjust, access.roundTo);
    const body = publishComparison(cmp, access, access.mode === "full" ? null : d.planFor(p, access.primaryMax));
    if (wantsCsv(c)) {
      return csvResponse(c, body.providers.map((r) => ({measure: measure.id, period: p.label, adjust: q.adjust, ...r})), `compare-${measure.id}-${p.label.replace(/[^0-9A-Za-z]+/g, "-")}`);
    }
    return c.json(body);
  })
  .get("/quadrants", valid("query", CardQuery), async (c) => {
    const access = accessOf(c);
    const d = await load(c);
    const p = periodOf(c.req.valid("query").period, d.coverage);
    return c.json(quadrantTable({units: d.units, measures: d.catalogue.measures, episodes: d.episodes, period: p, access, plan: d.planFor(p, access.primaryMax)}));
  })
  .get("/value-for-money", valid("query", PeriodQuery), async (c) => {
    const access = accessOf(c);
    const d = await load(c);
    const p = periodOf(c.req.valid("query").period, d.coverage);
    const body = valueForMoney(d.catalogue, d.units, d.episodes, p, access, access.mode === "full" ? null : d.planFor(p, access.primaryMax));
    if (wantsCsv(c)) return csvResponse(c, body.rows.map((r) => ({period: p.label, ...r})), `value-for-money-${p.label.replace(/[^0-9A-Za-z]+/g, "-")}`);
    return c.json(body);
  })
  .get("/programmes/:id/report-card", valid("param", Id), valid("query", CardQuery), async (c) => {
    const d = await load(c);
    const unit = unitOr404(d.units, "programme", c.req.valid("param").id);
    const p = periodOf(c.req.valid("query").period, d.coverage);
    return c.json(reportCard({unit, units: d.units, measures: d.catalogue.measures, episodes: d.episodes, period: p, coverage: d.coverage, access: accessOf(c), planFor: d.planFor}));
  })
  .get("/:id/report-card", valid("param", Id), valid("query", CardQuery), async (c) => {
    const d = await load(c);
    const unit = unitOr404(d.units, "provider", c.req.valid("param").id);
    const p = periodOf(c.req.valid("query").period, d.coverage);
    return c.json(reportCard({unit, units: d.units, measures: d.catalogue.measures, episodes: d.episodes, period: p, coverage: d.coverage, access: accessOf(c), planFor: d.planFor}));
  });
