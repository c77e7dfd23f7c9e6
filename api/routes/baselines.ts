import {Hono, type Context} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {geographyCode, indicatorId as sharedIndicatorId} from "./params.js";
import {ApiError, badRequest, notFound} from "../errors.js";
import type {AppStore, ForecastRow, FrozenBaseline, NarrativeContent} from "../appstore.js";
import {GEOGRAPHIES, loadCatalogue, PERIOD_TYPES, type Indicator, type PeriodType, type Polarity} from "../oba/catalogue.js";
import {
  buildSeries, geographyView, parseAsOf, parsePeriod, periodsBetween, publishPoints, resolveGeography,
  type InternalPoint, type Period, type PublishedPoint, type PublishOptions, type Series
} from "../oba/series.js";
import {publicationFor, seriesMask} from "../oba/disclosure.js";
import {disclosureFor, sharedDisclosure} from "../auth/disclosure.js";
import {forecast, ForecastError, type ForecastResult} from "../stats/forecast/index.js";
import {MIN_FIX_AFTER, xmr, type ImprovementDirection, type XmrResult} from "../stats/spc.js";
import {recentTrend, type RecentTrend} from "../stats/trend.js";

/**
 * OBA baselines ("where we are headed if we do nothing different") and the turn-the-curve verdict,
 * plus the user-authored records kept with them in the app store: frozen baselines, targets,
 * annotations and narratives. The pure functions (forecastBaseline, judgeAgainstBaseline, …) take
 * plain data; handlers do the I/O.
 */

export const BASELINE_METHODS = ["auto", "naive", "drift", "linear", "ses", "holt", "damped", "theta", "comb"] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

const FREQUENCY: Record<PeriodType, 1 | 4 | 12> = {"financial-year": 1, quarter: 4, month: 12, "rolling-12-months": 1};
const DEFAULT_H: Record<PeriodType, number> = {"financial-year": 3, quarter: 8, month: 12, "rolling-12-months": 12};

export const improvementOf = (p: Polarity): ImprovementDirection => (p === "high-is-good" ? "increase" : p === "low-is-good" ? "decrease" : "neutral");

/** The next `h` periods after `last`. */
export function periodsAfter(type: PeriodType, last: Period, h: number): Period[] {
  const next = (p: Period) => {
    // The period ending one step after p: parse the label of the period that ends `step` months later.
    const [y, m] = p.end.split("-").map(Number);
    const stepMonths = type === "quarter" ? 3 : type === "financial-year" ? 12 : 1;
    const idx = y * 12 + (m - 1) + stepMonths;
    const ey = Math.floor(idx / 12);
    const em = (idx % 12) + 1;
    if (type === "financial-year") return parsePeriod(type, `${ey - 1}/${String(ey % 100).padStart(2, "0")}`);
    if (type === "quarter") {
      const fy = em >= 4 ? ey : ey - 1;
      const q = Math.floor(((em - 4 + 12) % 12) / 3) + 1;
      return parsePeriod(type, `${fy}/${String((fy + 1) % 100).padStart(2, "0")} Q${q}`);
    }
    return parsePeriod(type, `${ey}-${String(em).padStart(2, "0")}`);
  };
  const out: Period[] = [];
  let p = last;
  for (let i = 0; i < h; i++) out.push((p = next(p)));
  return out;
}

/** The forecast scale: percentages are proportions (0–1), counts and rates never go below zero. */
function toModel(ind: Indicator, v: number) {
  return ind.unit === "percent" ? v / 100 : v;
}
function fromModel(ind: Indicator, v: number) {
  return ind.unit === "percent" ? v * 100 : v;
}

export interface ForecastBand extends ForecastRow {
  start: string;
  end: string;
}

export interface BaselineForecast {
  method: string;
  reason: string;
  params: Record<string, unknown>;
  warnings: string[];
  backtest: ForecastResult["backtest"];
  transform: string;
  points: ForecastBand[];
}

/**
 * A statistical forecast of the history's values (unrounded). Fewer than 5 points: 422
 * too-few-points, with the count, because a statistical baseline on less would mislead.
 */
export function forecastBaseline(ind: Indicator, period: PeriodType, history: InternalPoint[], method: BaselineMethod, h: number): BaselineForecast {
  const values = history.map((p) => toModel(ind, p.value as number));
  let result: ForecastResult;
  try {
    result = forecast(values, {frequency: FREQUENCY[period], h, method, kind: ind.unit === "percent" ? "proportion" : ind.unit === "count" ? "count" : "count"});
  } catch (e) {
    if (e instanceof ForecastError || (e as {code?: string}).code === "too-few-points" || (e as {code?: string}).code === "invalid-input") {
      const code = (e as {code: string}).code;
      throw new ApiError(422, code === "too-few-points" ? "too-few-points" : "cannot-forecast",
        code === "too-few-points"
          ? `${ind.id} has ${history.length} ${period} point(s) with values up to the baseline date; a statistical forecast needs at least 5 (give a hand-edited forecast instead, or choose a shorter period type)`
          : `cannot forecast ${ind.id}: ${(e as Error).message}`,
        {points: history.length, needed: 5});
    }
    throw e;
  }
  const periods = periodsAfter(period, history[history.length - 1].period, h);
  return {
    method: result.method, reason: result.reason, params: result.params, warnings: result.warnings, backtest: result.backtest, transform: result.transform,
    points: periods.map((p, i) => ({
      period: p.label, start: p.start, end: p.end,
      mean: fromModel(ind, result.mean[i]), lower80: fromModel(ind, result.lower80[i]), upper80: fromModel(ind, result.upper80[i]),
      lower95: fromModel(ind, result.lower95[i]), upper95: fromModel(ind, result.upper95[i])
    }))
  };
}

export type Judgement = "better" | "within" | "worse" | "above" | "below";

export interface JudgedActual {
  period: string;
  actual: number;
  mean: number;
  lower80: number | null;
  upper80: number | null;
  /** Where the actual sits against the 80% band. */
  position: "above" | "within" | "below";
  /** The position turned into better/worse by polarity (above/below when there is no judgement). */
  judgement: Judgement;
}

export type VerdictKind = "turned" | "accelerated" | "not yet" | "no actuals yet" | "no judgement";

export interface Verdict {
  verdict: VerdictKind;
  reason: string;
  sustain: number;
  /** Consecutive better-than-forecast actuals ending at the latest one. */
  latestRun: number;
  /** The baseline itself was already heading the right way (so beating it means accelerating). */
  baselineImproving: boolean;
  points: JudgedActual[];
}

/**
 * Turned the curve? (METHODS §5) Each actual after the baseline is placed against the forecast's 80%
 * band: above, within or below, which the indicator's polarity makes better or worse. The curve is
 * "turned" when the latest `sustain` actuals (default 2) are all better than forecast, "accelerated"
 * when that happens to a baseline already heading the right way, otherwise "not yet".
 */
export function judgeAgainstBaseline(
  polarity: Polarity,
  forecastPoints: ForecastRow[],
  actuals: {period: string; value: number}[],
  options: {sustain?: number; lastHistoryValue?: number | null} = {}
): Verdict {
  const sustain = options.sustain ?? 2;
  const byPeriod = new Map(forecastPoints.map((f) => [f.period, f]));
  const points: JudgedActual[] = [];
  for (const a of actuals) {
    const f = byPeriod.get(a.period);
    if (!f) continue;
    const lower = f.lower80 ?? f.mean;
    const upper = f.upper80 ?? f.mean;
    const position = a.value > upper ? "above" : a.value < lower ? "below" : "within";
    const judgement: Judgement = position === "within" ? "within"
      : polarity === "no-judgement" ? position
      : (position === "above") === (polarity === "high-is-good") ? "better" : "worse";
    points.push({period: a.period, actual: a.value, mean: f.mean, lower80: f.lower80, upper80: f.upper80, position, judgement});
  }
  const last = forecastPoints[forecastPoints.length - 1];
  const good = polarity === "high-is-good" ? 1 : polarity === "low-is-good" ? -1 : 0;
  const baselineImproving = good !== 0 && last !== undefined && options.lastHistoryValue != null && Math.sign(last.mean - options.lastHistoryValue) === good;
  let latestRun = 0;
  for (let i = points.length - 1; i >= 0 && points[i].judgement === "better"; i--) latestRun++;
  const base = {sustain, latestRun, baselineImproving, points};
  if (polarity === "no-judgement") {
    return {verdict: "no judgement", reason: "the indicator has no good direction, so actuals are only placed above, within or below the forecast band", ...base};
  }
  if (!points.length) return {verdict: "no actuals yet", reason: "no actual has been published for a forecast period yet", ...base};
  const counts = {better: 0, within: 0, worse: 0};
  for (const p of points) counts[p.judgement as "better" | "within" | "worse"]++;
  const summary = `${counts.better} better than forecast, ${counts.within} within the 80% band, ${counts.worse} worse (of ${points.length})`;
  if (latestRun >= sustain) {
    return baselineImproving
      ? {verdict: "accelerated", reason: `the baseline was already improving and the latest ${latestRun} actual(s) beat even that forecast (outside the 80% band on the good side); ${summary}`, ...base}
      : {verdict: "turned", reason: `the latest ${latestRun} consecutive actual(s) are better than forecast (outside the 80% band on the good side; ${sustain} needed); ${summary}`, ...base};
  }
  return {verdict: "not yet", reason: `${latestRun} consecutive better-than-forecast actual(s) at the end of the series, ${sustain} needed; ${summary}`, ...base};
}

/** Whether a point's count is hidden in its publication (c). */
export type HiddenTest = (p: InternalPoint) => boolean;

/** Reason given where a statistic built on several points is withheld because one of them is hidden. */
export const WITHHELD = "withheld: it is computed from a count that disclosure control hides (c), and would give that count back";

/**
 * XmR with limits from the baseline history only (fixed after it), so later actuals are read against them.
 * Null when there are no points, or when any point is hidden: the mean, limits and signals would give it back.
 */
export function spcEvidence(ind: Indicator, points: InternalPoint[], historyLength: number, target?: number | null, hidden?: HiddenTest) {
  const values = points.map((p) => p.value as number);
  if (!values.length || (hidden && points.some(hidden))) return null;
  // Limits are fixed after the baseline only on 12 or more points of history; fewer give trial limits over every point.
  const fix = historyLength >= MIN_FIX_AFTER && historyLength < values.length;
  const r: XmrResult = xmr(values, {improvement: improvementOf(ind.polarity), fixAfter: fix ? historyLength : null, target: target ?? null});
  const g = r.groups[0];
  return {
    variationIcon: r.variationIcon, assuranceIcon: r.assuranceIcon, trial: r.trial, message: r.message,
    limitsFrom: fix ? `the first ${g.pointsUsed} point(s)` : historyLength < values.length
      ? `all ${g.pointsUsed} point(s): limits are fixed after the baseline only on at least ${MIN_FIX_AFTER} points of history, and it has ${historyLength}`
      : `all ${g.pointsUsed} point(s)`, mean: g.mean, lpl: g.lpl, upl: g.upl, nlpl: g.nlpl, nupl: g.nupl,
    points: r.points.map((p, i) => ({period: points[i].period.label, pointType: p.pointType, rule: p.rule, specialCauseType: p.specialCauseType}))
  };
}

/**
 * The Fingertips recent trend on the last 5 points (counts use their Poisson intervals; Fingertips itself
 * skips counts). Withheld ("cannot-be-calculated", no slope) when one of those points is hidden.
 */
export function trendEvidence(ind: Indicator, points: InternalPoint[], hidden?: HiddenTest): RecentTrend {
  if (hidden && points.filter((p) => typeof p.value === "number").slice(-5).some(hidden)) {
    return {marker: "cannot-be-calculated", slope: null, chi2: null, significant: false, pointsUsed: 0, reason: `the recent trend is ${WITHHELD}`};
  }
  return recentTrend(points.map((p) => ({value: p.value, lower: p.ci95?.lower ?? null, upper: p.ci95?.upper ?? null})),
    {polarity: ind.polarity, ...(ind.unit === "percent" ? {valueType: "proportion" as const} : ind.unit === "per-10000" ? {valueType: "crude-rate" as const} : {})});
}

/** Splits a series' published-able totals at the baseline date. */
export function splitAt(series: Series, asOfDate: string | null) {
  const usable = series.totals.filter((p) => p.available && p.value !== null);
  const history = asOfDate ? usable.filter((p) => p.period.end <= asOfDate) : usable;
  const later = asOfDate ? usable.filter((p) => p.period.end > asOfDate) : [];
  return {history, later};
}

/** A series' totals as published for a disclosure, and which of them are hidden. */
export function publishedTotals(series: Series, publication: PublishOptions) {
  const published = publishPoints(series.indicator, series.totals, [], publication).totals;
  const pubOf = (p: InternalPoint) => published[series.totals.indexOf(p)];
  const hidden: HiddenTest = (p) => pubOf(p).flag === "c";
  return {pubOf, hidden};
}

/** The points up to (not including) the first hidden one: later actuals that evidence may use. */
const untilHidden = (points: InternalPoint[], hidden: HiddenTest) => {
  const i = points.findIndex(hidden);
  return i < 0 ? points : points.slice(0, i);
};

/**
 * GET /api/indicators/:id/baseline as a pure function of the series and its publication. When any
 * history point is hidden (c), the forecast, SPC and trend are withheld (they are built from every
 * history value, so a naive forecast or the SPC mean would give the hidden one back); later actuals
 * that are hidden are not judged.
 */
export function baselineFromSeries(series: Series, q: {method: BaselineMethod; h?: number; asOf?: string; sustain: number}, publication: PublishOptions = {}) {
  const ind = series.indicator;
  const asOfDate = q.asOf ? parseAsOf(series.period, q.asOf) : null;
  const {history, later} = splitAt(series, asOfDate);
  if (!history.length) {
    throw new ApiError(422, "too-few-points", `${ind.id} has no ${series.period} points with values${asOfDate ? ` up to ${asOfDate}` : ""}; a statistical forecast needs at least 5`, {points: 0, needed: 5});
  }
  const {pubOf, hidden} = publishedTotals(series, publication);
  const head = {
    indicator: {id: ind.id, name: ind.name, unit: ind.unit, polarity: ind.polarity},
    geography: geographyView(series.geography),
    period: series.period,
    asOf: asOfDate
  };
  const hiddenHistory = history.filter(hidden).length;
  if (hiddenHistory) {
    return {
      ...head,
      notes: [...series.notes, `${hiddenHistory} history point(s) are hidden by disclosure control (c): the forecast, SPC, trend and verdict are ${WITHHELD}. Choose a larger geography or a longer period, or ask an analyst.`],
      history: history.map(pubOf), forecast: null, spc: null, trend: trendEvidence(ind, history, hidden), actuals: later.map(pubOf),
      verdict: null, trendWithActuals: null, withheld: true
    };
  }
  const h = q.h ?? Math.max(DEFAULT_H[series.period], later.length);
  const fc = forecastBaseline(ind, series.period, history, q.method, h);
  const evidence = [...history, ...untilHidden(later, hidden)];
  return {
    ...head,
    notes: series.notes,
    history: history.map(pubOf),
    forecast: fc,
    spc: spcEvidence(ind, evidence, history.length),
    trend: trendEvidence(ind, history),
    actuals: later.map(pubOf),
    verdict: later.length ? judgePublished(ind.polarity, fc.points, later, hidden, {sustain: q.sustain, lastHistoryValue: history[history.length - 1].value}) : null,
    trendWithActuals: later.length ? trendEvidence(ind, evidence) : null,
    withheld: false
  };
}

/** A judged actual as published: a hidden actual has no value, position or judgement (they would bound it). */
export type PublishedJudgedActual = Omit<JudgedActual, "actual" | "position" | "judgement"> & {
  actual: number | "c";
  position: JudgedActual["position"] | "c";
  judgement: Judgement | "c";
};

/**
 * The verdict on the actuals a reader may see: hidden actuals (c) are listed with actual, position
 * and judgement "c" and take no part in the verdict, its counts or its run of better-than-forecast
 * points, so the verdict says nothing about them.
 */
export function judgePublished(polarity: Polarity, forecastPoints: ForecastRow[], later: InternalPoint[], hidden: HiddenTest, options: {sustain?: number; lastHistoryValue?: number | null} = {}) {
  const shown = later.filter((p) => !hidden(p));
  const v = judgeAgainstBaseline(polarity, forecastPoints, shown.map((p) => ({period: p.period.label, value: p.value as number})), options);
  const judged = new Map(v.points.map((p) => [p.period, p]));
  const byPeriod = new Map(forecastPoints.map((f) => [f.period, f]));
  const points: PublishedJudgedActual[] = [];
  for (const p of later) {
    const f = byPeriod.get(p.period.label);
    if (!f) continue;
    if (!hidden(p)) points.push(judged.get(p.period.label)!);
    else points.push({period: p.period.label, actual: "c", mean: f.mean, lower80: f.lower80, upper80: f.upper80, position: "c", judgement: "c"});
  }
  const dropped = points.filter((p) => p.judgement === "c").length;
  return {...v, points, reason: dropped ? `${v.reason}; ${dropped} hidden actual(s) (c) are not judged` : v.reason};
}

/** A verdict's actuals as published: a hidden actual shows "c" for its value, position and judgement. */
export function publishVerdict(v: Verdict, published: PublishedPoint[]) {
  const byPeriod = new Map(published.map((p) => [p.period, p]));
  return {...v, points: v.points.map((p): PublishedJudgedActual => {
    const pub = byPeriod.get(p.period);
    return pub?.flag === "c" ? {...p, actual: "c", position: "c", judgement: "c"} : p;
  })};
}

// ------------------------------------------------------------------ HTTP

export function appStoreOf(c: Context<Env>): AppStore {
  const store = c.var.services.appStore;
  if (!store) throw new ApiError(503, "app-store-unavailable", "the app store (user-authored baselines, targets, narratives) is not configured on this server");
  return store;
}

function indicatorOr404(id: string): Indicator {
  const ind = loadCatalogue().byId.get(id);
  if (!ind) throw notFound("indicator", id);
  return ind;
}

const indicatorId = sharedIndicatorId;
const code = geographyCode;
const author = z.string().trim().min(1, "author is required").max(100);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), "not a real date");

const HandPoint = z.object({
  period: z.string().max(20),
  value: z.number().finite(),
  lower80: z.number().finite().optional(), upper80: z.number().finite().optional(),
  lower95: z.number().finite().optional(), upper95: z.number().finite().optional()
}).strict();

const FreezeBody = z.object({
  name: z.string().trim().min(1).max(200),
  indicator: indicatorId,
  geography: z.enum(GEOGRAPHIES).default("borough"),
  code: code.optional(),
  period: z.enum(PERIOD_TYPES).optional(),
  asOf: z.string().max(20),
  /** First period of the history (to start after a definitional change or an incomplete first year). */
  from: z.string().max(20).optional(),
  method: z.enum(BASELINE_METHODS).optional(),
  h: z.number().int().min(1).max(36).optional(),
  forecast: z.array(HandPoint).min(1).max(36).optional(),
  author
}).strict().refine((b) => !(b.method && b.forecast), {message: "give a method or a hand-edited forecast, not both", path: ["forecast"]});

const BaselineList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional()});
const BaselineId = z.object({id: z.string().regex(/^bl-[0-9a-f-]{36}$/, "expected a baseline id such as bl-1b4e28ba-2fa1-11d2-883f-0016d3cca427")});
const Judge = z.object({sustain: z.coerce.number().int().min(1).max(12).default(2)});

const TargetBody = z.object({
  indicator: indicatorId, geography: z.enum(GEOGRAPHIES).default("borough"), code: code.optional(),
  period: z.string().max(20), periodType: z.enum(PERIOD_TYPES).optional(), value: z.number().finite(), author, note: z.string().max(1000).optional()
}).strict();
const TargetList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional()});

const AnnotationBody = z.object({
  from: isoDate, to: isoDate.optional(), indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional(),
  text: z.string().trim().min(1).max(2000), author
}).strict();
const AnnotationList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional(), from: isoDate.optional(), to: isoDate.optional()});

const NarrativeParams = z.object({indicator: indicatorId, geography: z.enum(GEOGRAPHIES)});
const NarrativeQuery = z.object({code: code.optional()});
const NarrativeBody = z.object({
  story: z.array(z.object({cause: z.string().trim().min(1).max(1000), priority: z.number().int().min(1).max(100)}).strict()).max(50).default([]),
  partners: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  whatWorks: z.array(z.object({idea: z.string().trim().min(1).max(1000), lowCost: z.boolean().default(false)}).strict()).max(50).default([]),
  actionPlan: z.array(z.object({action: z.string().trim().min(1).max(1000), owner: z.string().max(200).optional(), due: isoDate.optional()}).strict()).max(100).default([]),
  author,
  message: z.string().max(500).optional()
}).strict();

describe({method: "post", path: "/api/baselines", summary: "Freeze a baseline (statistical or hand-edited forecast) so later actuals are judged against the numbers as they were", tag: "baselines", body: FreezeBody, responses: {404: "unknown indicator, ward or area", 422: "too few points to forecast", 503: "app store not configured"}});
describe({method: "get", path: "/api/baselines", summary: "Frozen baselines, newest first", tag: "baselines", query: BaselineList});
describe({method: "get", path: "/api/baselines/:id", summary: "A frozen baseline and every actual since, judged against it (turned / accelerated / not yet)", tag: "baselines", params: BaselineId, query: Judge, responses: {404: "unknown baseline"}});
describe({method: "post", path: "/api/targets", summary: "Set a target (indicator × geography × period → value), kept apart from baselines", tag: "targets", body: TargetBody, responses: {404: "unknown indicator"}});
describe({method: "get", path: "/api/targets", summary: "Targets, newest first", tag: "targets", query: TargetList});
describe({method: "post", path: "/api/annotations", summary: "Annotate a date or range (optionally scoped to an indicator and geography)", tag: "annotations", body: AnnotationBody});
describe({method: "get", path: "/api/annotations", summary: "Annotations in scope, by date", tag: "annotations", query: AnnotationList});
describe({method: "put", path: "/api/narratives/:indicator/:geography", summary: "Save a new version of the turn-the-curve narrative (story behind the baseline, partners, what works, action plan)", tag: "narratives", params: NarrativeParams, query: NarrativeQuery, body: NarrativeBody});
describe({method: "get", path: "/api/narratives/:indicator/:geography", summary: "The latest narrative and its full version history (who, when, what changed)", tag: "narratives", params: NarrativeParams, query: NarrativeQuery});

/** Hand-edited forecast rows: parsed, in order, after the baseline date, with bands borrowed when absent. */
function handForecast(ind: Indicator, period: PeriodType, rows: z.infer<typeof HandPoint>[], asOfDate: string, statistical: BaselineForecast | null): {points: ForecastRow[]; warnings: string[]} {
  const warnings: string[] = [];
  const parsed = rows.map((r, i) => {
    const p = parsePeriod(period, r.period, `forecast[${i}].period`);
    if (p.end <= asOfDate) throw badRequest(`forecast[${i}].period ${p.label} is not after the baseline date ${asOfDate}`, {field: `forecast.${i}.period`});
    if (ind.unit === "percent" && (r.value < 0 || r.value > 100)) throw badRequest(`forecast[${i}].value ${r.value} is not a percentage (0-100)`, {field: `forecast.${i}.value`});
    if (r.value < 0) throw badRequest(`forecast[${i}].value must not be negative`, {field: `forecast.${i}.value`});
    return {p, r};
  });
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].p.end <= parsed[i - 1].p.end) throw badRequest(`forecast periods must be in order without repeats (${parsed[i].p.label} after ${parsed[i - 1].p.label})`, {field: `forecast.${i}.period`});
  }
  const stat = new Map(statistical?.points.map((p) => [p.period, p]) ?? []);
  let borrowed = false;
  const points = parsed.map(({p, r}) => {
    const s = stat.get(p.label);
    const band = (given: number | undefined, sEdge: number | null | undefined) => {
      if (given !== undefined) return given;
      if (s && sEdge != null) {
        borrowed = true;
        return r.value + (sEdge - s.mean);
      }
      return null;
    };
    return {period: p.label, mean: r.value, lower80: band(r.lower80, s?.lower80), upper80: band(r.upper80, s?.upper80), lower95: band(r.lower95, s?.lower95), upper95: band(r.upper95, s?.upper95)};
  });
  if (borrowed) warnings.push(`bands not given were borrowed from the ${statistical!.method} forecast's widths at the same horizon, centred on the hand-edited values`);
  if (points.some((p) => p.lower80 === null)) warnings.push("some hand-edited points have no 80% band: actuals are judged against the value itself");
  return {points, warnings};
}

export const baselines = new Hono<Env>()
  .post("/", valid("json", FreezeBody), async (c) => {
    const store = appStoreOf(c);
    const b = c.req.valid("json");
    const ind = indicatorOr404(b.indicator);
    const period = b.period ?? ind.periods[0];
    const series = await buildSeries(c.var.services.warehouse, ind, {geography: b.geography, code: b.code, period, from: b.from});
    const asOfDate = parseAsOf(period, b.asOf);
    const {history} = splitAt(series, asOfDate);
    // A frozen baseline is read by every role: its history is stored as the suppressed roles see it.
    const shared = sharedDisclosure(c);
    const stored = publishedTotals(series, {disclosure: "suppressed", policy: shared, mask: await seriesMask(c.var.services.warehouse, series, shared)});
    const hiddenHistory = history.filter(stored.hidden).length;
    const full = disclosureFor(c).disclosure === "full";
    if (hiddenHistory && !full && !b.forecast) {
      throw new ApiError(422, "history-suppressed", `${hiddenHistory} history point(s) of ${ind.id} here are hidden by disclosure control (c): a statistical forecast would give them back. Give a hand-edited forecast, choose a larger geography or a longer period, or ask an analyst to freeze it.`,
        {hidden: history.filter(stored.hidden).map((p) => p.period.label)});
    }
    let fc: BaselineForecast | null = null;
    let points: ForecastRow[];
    let warnings: string[] = [];
    let methodUsed: string;
    let reason: string;
    if (b.forecast) {
      const lastPeriod = parsePeriod(period, b.forecast[b.forecast.length - 1].period, "forecast.period");
      // Bands are borrowed from a statistical forecast only when it could be shown to this caller.
      if (history.length >= 5 && (full || !hiddenHistory)) {
        const h = periodsBetween(period, history[history.length - 1].period, lastPeriod).length - 1;
        if (h >= 1 && h <= 60) fc = forecastBaseline(ind, period, history, "auto", h);
      }
      const hand = handForecast(ind, period, b.forecast, asOfDate, fc);
      points = hand.points;
      warnings = hand.warnings;
      methodUsed = "hand-edited";
      reason = "forecast agreed by judgement (hand-edited) and frozen as entered";
    } else {
      if (!history.length) throw new ApiError(422, "too-few-points", `${ind.id} has no ${period} points with values up to ${asOfDate}; a statistical forecast needs at least 5`, {points: 0, needed: 5});
      fc = forecastBaseline(ind, period, history, b.method ?? "auto", b.h ?? DEFAULT_H[period]);
      points = fc.points.map(({start: _s, end: _e, ...p}) => p);
      warnings = fc.warnings;
      methodUsed = fc.method;
      reason = fc.reason;
    }
    const frozen = await store.freezeBaseline({
      name: b.name, indicator: ind.id, geography: series.geography.type, code: series.geography.code, period, asOf: asOfDate,
      method: b.forecast ? "hand-edited" : b.method ?? "auto", methodUsed, reason, handEdited: Boolean(b.forecast), author: b.author,
      createdAt: c.var.services.clock().toISOString(), warehouseVersion: await c.var.services.warehouse.currentVersion(),
      polarity: ind.polarity, unit: ind.unit,
      history: history.map((p) => stored.pubOf(p) as unknown as Record<string, unknown>),
      forecast: points, warnings
    });
    return c.json(frozen, 201);
  })
  .get("/", valid("query", BaselineList), async (c) => {
    const list = await appStoreOf(c).baselines(c.req.valid("query"));
    return c.json({baselines: list.map(({history: _h, forecast: _f, ...summary}) => summary)});
  })
  .get("/:id", valid("param", BaselineId), valid("query", Judge), async (c) => {
    const {id} = c.req.valid("param");
    const frozen = await appStoreOf(c).baseline(id);
    if (!frozen) throw notFound("baseline", id);
    return c.json(await judgeFrozen(c, frozen, c.req.valid("query").sustain));
  });

/** A frozen baseline with the actuals published since, judged against its stored forecast (never recomputed). */
export async function judgeFrozen(c: Context<Env>, frozen: FrozenBaseline, sustain = 2) {
  const ind = loadCatalogue().byId.get(frozen.indicator);
  if (!ind) return {baseline: frozen, actuals: [], verdict: null, notes: [`indicator ${frozen.indicator} is no longer in the catalogue: actuals cannot be read`]};
  const series = await buildSeries(c.var.services.warehouse, ind, {geography: frozen.geography as Series["geography"]["type"], code: frozen.code, period: frozen.period as PeriodType});
  const split = splitAt(series, frozen.asOf);
  // The history as frozen may start later than the data (a baseline drawn from a chosen first period).
  const firstStart = typeof frozen.history[0]?.start === "string" ? (frozen.history[0].start as string) : null;
  const history = firstStart ? split.history.filter((p) => p.period.start >= firstStart) : split.history;
  const later = split.later;
  const publication = await publicationFor(c.var.services.warehouse, series, disclosureFor(c));
  const {pubOf, hidden} = publishedTotals(series, publication);
  const lastHistory = history.length ? (history[history.length - 1].value as number) : null;
  const inHorizon = later.filter((p) => frozen.forecast.some((f) => f.period === p.period.label));
  const beyond = later.length > inHorizon.length ? [`${later.length - inHorizon.length} actual(s) fall beyond the frozen forecast's horizon and are not judged`] : [];
  // The stored history is re-read as this caller may see it today (records frozen before disclosure
  // control applied to them, or by an analyst, may hold counts that are now hidden).
  const current = new Map(series.totals.map((p) => [p.period.label, p]));
  const frozenHistory = frozen.history.map((h) => {
    const p = current.get(String(h.period));
    return p && hidden(p) && h.flag !== "c"
      ? {...h, numerator: "c", ...(h.denominator !== null && ind.denominator.kind === "extract" ? {denominator: "c"} : {}), value: "c", lower95: "c", upper95: "c", lower998: "c", upper998: "c", method: null, flag: "c", benchmarks: []}
      : h;
  });
  if (publication.disclosure !== "full" && frozenHistory.some((h) => h.flag === "c")) {
    // The forecast was fitted to every history value: it (and every judgement against it) is withheld.
    const c = "c" as const;
    return {
      baseline: {...frozen, history: frozenHistory, forecast: frozen.forecast.map((f) => ({period: f.period, mean: c, lower80: c, upper80: c, lower95: c, upper95: c}))},
      actuals: later.map(pubOf),
      verdict: null,
      evidence: {spc: null, trend: trendEvidence(ind, history, hidden)},
      notes: [...series.notes, `history point(s) of this baseline are hidden by disclosure control (c): its forecast, verdict and SPC are ${WITHHELD}`],
      withheld: true
    };
  }
  const evidence = [...history, ...untilHidden(inHorizon, hidden)];
  return {
    baseline: {...frozen, history: frozenHistory},
    actuals: later.map(pubOf),
    verdict: judgePublished(ind.polarity, frozen.forecast, later, hidden, {sustain, lastHistoryValue: lastHistory}),
    evidence: {
      spc: spcEvidence(ind, evidence, history.length),
      trend: trendEvidence(ind, evidence)
    },
    notes: [...series.notes, ...beyond],
    withheld: false
  };
}

export const targets = new Hono<Env>()
  .post("/", valid("json", TargetBody), async (c) => {
    const store = appStoreOf(c);
    const t = c.req.valid("json");
    const ind = indicatorOr404(t.indicator);
    const geo = await resolveGeography(c.var.services.warehouse, ind, t.geography, t.code);
    const type = t.periodType ?? ind.periods[0];
    if (!ind.periods.includes(type)) throw new ApiError(400, "period-not-allowed", `indicator ${ind.id} is not published by ${type}: allowed ${ind.periods.join(", ")}`, {field: "periodType"});
    const period = parsePeriod(type, t.period, "period");
    if (ind.unit === "percent" && (t.value < 0 || t.value > 100)) throw badRequest(`value ${t.value} is not a percentage (0-100)`, {field: "value"});
    if (t.value < 0) throw badRequest("value must not be negative", {field: "value"});
    const saved = await store.addTarget({indicator: ind.id, geography: geo.type, code: geo.code, period: period.label, value: t.value, author: t.author, note: t.note ?? null, createdAt: c.var.services.clock().toISOString()});
    return c.json(saved, 201);
  })
  .get("/", valid("query", TargetList), async (c) => c.json({targets: await appStoreOf(c).targets(c.req.valid("query"))}));

export const annotations = new Hono<Env>()
  .post("/", valid("json", AnnotationBody), async (c) => {
    const store = appStoreOf(c);
    const a = c.req.valid("json");
    const to = a.to ?? a.from;
    if (a.from > to) throw new ApiError(400, "invalid-range", `from (${a.from}) is after to (${to})`, {field: "from"});
    let geography: string | null = a.geography ?? null;
    let code: string | null = a.code ?? null;
    if (a.code && !a.geography) throw badRequest("code needs a geography", {field: "code"});
    if (a.indicator) {
      const ind = indicatorOr404(a.indicator);
      if (a.geography) {
        const geo = await resolveGeography(c.var.services.warehouse, ind, a.geography, a.code);
        geography = geo.type;
        code = geo.code;
      }
    }
    const saved = await store.addAnnotation({from: a.from, to, indicator: a.indicator ?? null, geography, code, text: a.text, author: a.author, createdAt: c.var.services.clock().toISOString()});
    return c.json(saved, 201);
  })
  .get("/", valid("query", AnnotationList), async (c) => {
    const q = c.req.valid("query");
    if (q.from && q.to && q.from > q.to) throw new ApiError(400, "invalid-range", `from (${q.from}) is after to (${q.to})`, {field: "from"});
    return c.json({annotations: await appStoreOf(c).annotations(q)});
  });

/** The narrative's key: the indicator, the geography and its resolved code (the borough's LA number by default). */
async function narrativeKey(c: Context<Env>, indicator: string, geography: Series["geography"]["type"], codeGiven?: string) {
  const ind = indicatorOr404(indicator);
  const geo = await resolveGeography(c.var.services.warehouse, ind, geography, codeGiven);
  return {indicator: ind.id, geography: geo.type, code: geo.code};
}

export const narratives = new Hono<Env>()
  .put("/:indicator/:geography", valid("param", NarrativeParams), valid("query", NarrativeQuery), valid("json", NarrativeBody), async (c) => {
    const store = appStoreOf(c);
    const {indicator, geography} = c.req.valid("param");
    const key = await narrativeKey(c, indicator, geography, c.req.valid("query").code);
    const body = c.req.valid("json");
    const content: NarrativeContent = {
      story: [...body.story].sort((a, b) => a.priority - b.priority),
      partners: body.partners,
      whatWorks: body.whatWorks,
      actionPlan: body.actionPlan
    };
    await store.saveNarrative(key, content, body.author, c.var.services.clock().toISOString(), body.message ?? null);
    const history = await store.narrativeHistory(key);
    return c.json({...key, latest: history[0], history});
  })
  .get("/:indicator/:geography", valid("param", NarrativeParams), valid("query", NarrativeQuery), async (c) => {
    const store = appStoreOf(c);
    const {indicator, geography} = c.req.valid("param");
    const key = await narrativeKey(c, indicator, geography, c.req.valid("query").code);
    const history = await store.narrativeHistory(key);
    return c.json({...key, latest: history[0] ?? null, history});
  });
