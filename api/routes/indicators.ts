import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {describeAgendaItem, describeIndicator, GEOGRAPHIES, PERIOD_TYPES, type Catalogue} from "../oba/catalogue.js";
import {buildSeries, geographyView, publishPoints, type PublishOptions, type Series} from "../oba/series.js";
import {publicationFor} from "../oba/disclosure.js";
import {disclosureFor} from "../auth/disclosure.js";
import {BASELINE_METHODS, baselineFromSeries} from "../oba/baseline.js";
import {breakdownName, geographyCode, IndicatorParam, indicatorOr404} from "./params.js";

/** Indicators: the catalogue, their series (with intervals, benchmarks, disclosure control) and baselines. */

const Id = IndicatorParam;
const code = geographyCode;
const periodText = z.string().max(20);

export const GeographyQuery = {
  geography: z.enum(GEOGRAPHIES).default("borough"),
  code: code.optional(),
  period: z.enum(PERIOD_TYPES).optional()
};

const SeriesQuery = z.object({
  ...GeographyQuery,
  from: periodText.optional(),
  to: periodText.optional(),
  breakdown: breakdownName.optional(),
  format: z.enum(["json", "csv"]).optional()
});

const BaselineQuery = z.object({
  ...GeographyQuery,
  method: z.enum(BASELINE_METHODS).default("auto"),
  h: z.coerce.number().int().min(1).max(36).optional(),
  asOf: periodText.optional(),
  /** First period of the history (to start after a definitional change or an incomplete first year). */
  from: periodText.optional(),
  sustain: z.coerce.number().int().min(1).max(12).default(2)
});

const ListQuery = z.object({tier: z.enum(["headline", "secondary", "development"]).optional()});

describe({method: "get", path: "/api/indicators", summary: "The indicator catalogue (definitions, units, polarity, periods, geographies, breakdowns, tier, power), the data development agenda (measures without data yet, with the source that would feed them) and each strategy's measures mapped to both", tag: "indicators", query: ListQuery});
describe({method: "get", path: "/api/indicators/:id", summary: "One indicator's catalogue entry", tag: "indicators", params: Id, responses: {404: "unknown indicator"}});
describe({method: "get", path: "/api/indicators/:id/series", summary: "Indicator series: numerator, denominator, value, 95% and 99.8% intervals and method, reliability flag, benchmark comparison. Viewers, providers and commissioners: counts 1 to the role's primaryMax (5 by default), and every count that would let one be recovered from any other table, period, geography or breakdown, are c (docs/methods/disclosure.md); analysts and admins: unsuppressed", tag: "indicators", params: Id, query: SeriesQuery, csv: true, responses: {404: "unknown indicator, ward or area"}});
describe({method: "get", path: "/api/indicators/:id/baseline", summary: "OBA baseline: history to asOf, forecast with 80%/95% bands (method and why), XmR signals, recent trend, and the turn-the-curve verdict on later actuals", tag: "indicators", params: Id, query: BaselineQuery, responses: {404: "unknown indicator, ward or area", 422: "too few points to forecast"}});

/** A series as published: `publication` carries the caller's disclosure and the lattice mask (publicationFor). */
export function seriesResponse(series: Series, catalogue: Catalogue, publication: PublishOptions = {}) {
  const published = publishPoints(series.indicator, series.totals, series.groups, publication);
  return {
    indicator: describeIndicator(series.indicator, catalogue),
    geography: geographyView(series.geography),
    period: series.period,
    breakdown: series.breakdown,
    coverage: series.coverage,
    notes: series.notes,
    points: published.totals,
    ...(series.breakdown ? {groups: published.groups} : {})
  };
}

export const indicators = new Hono<Env>()
  .get("/", valid("query", ListQuery), (c) => {
    const {tier} = c.req.valid("query");
    const {catalogue} = c.var.reader.reference;
    const list = catalogue.indicators.filter((i) => !tier || i.tier === tier);
    // The agenda and the strategies' own lists travel with the catalogue, so no committed measure goes missing.
    return c.json({
      indicators: list.map((i) => describeIndicator(i, catalogue)),
      agenda: !tier || tier === "development" ? catalogue.agenda.map(describeAgendaItem) : [],
      strategies: catalogue.strategies
    });
  })
  .get("/:id", valid("param", Id), (c) => {
    const {id} = c.req.valid("param");
    const {catalogue} = c.var.reader.reference;
    const agenda = catalogue.agendaById.get(id);
    return c.json(agenda ? describeAgendaItem(agenda) : describeIndicator(indicatorOr404(catalogue, id), catalogue));
  })
  .get("/:id/series", valid("param", Id), valid("query", SeriesQuery), async (c) => {
    const ind = indicatorOr404(c.var.reader.reference.catalogue, c.req.valid("param").id);
    const q = c.req.valid("query");
    const series = await buildSeries(c.var.reader, ind, {...q, period: q.period ?? ind.periods[0]});
    const body = seriesResponse(series, c.var.reader.reference.catalogue, await publicationFor(c.var.reader, series, disclosureFor(c)));
    if (wantsCsv(c)) {
      const rows = [...body.points, ...(body.groups ?? [])].map((p) => ({
        indicator: ind.id, geography: body.geography.type, code: body.geography.code, breakdown: body.breakdown ?? "", group: p.group ?? "all", ...p
      }));
      return csvResponse(c, rows, `${ind.id}-${body.geography.type}${body.geography.type === "borough" ? "" : `-${body.geography.code}`}`);
    }
    return c.json(body);
  })
  .get("/:id/baseline", valid("param", Id), valid("query", BaselineQuery), async (c) => {
    const ind = indicatorOr404(c.var.reader.reference.catalogue, c.req.valid("param").id);
    const q = c.req.valid("query");
    const period = q.period ?? ind.periods[0];
    const series = await buildSeries(c.var.reader, ind, {geography: q.geography, code: q.code, period, from: q.from});
    const publication = await publicationFor(c.var.reader, series, disclosureFor(c));
    return c.json(baselineFromSeries(series, {method: q.method, h: q.h, asOf: q.asOf, sustain: q.sustain}, publication));
  });
