import type {ForecastRow, FrozenBaseline} from "../appstore.js";
import type {Geography, Indicator, PeriodType} from "./catalogue.js";
import type {Reader} from "./query.js";
import {buildSeries, type Series} from "./series.js";
import type {Disclosure, DisclosurePolicy} from "./policy.js";
import {parseAsOf, parsePeriod, periodsBetween} from "./periods.js";
import {publicationFor, seriesMask} from "./disclosure.js";
import {DomainError, badRequest} from "./errors.js";
import {withheldEstimate} from "./publish.js";
import {
  DEFAULT_H, forecastBaseline, judgePublished, publishedTotals, spcEvidence, splitAt, trendEvidence, untilHidden, WITHHELD,
  type BaselineForecast, type BaselineMethod
} from "./baseline.js";

/**
 * Frozen baselines: a forecast fixed at a date (statistical, or agreed by judgement and entered by
 * hand) so later actuals are judged against the numbers as they were, never against a refit. The
 * warehouse, the caller's disclosure and the clock are passed in.
 */
/** A hand-edited forecast row as the caller gives it. */
export interface HandPoint {
  period: string;
  value: number;
  lower80?: number;
  upper80?: number;
  lower95?: number;
  upper95?: number;
}

/** Hand-edited forecast rows: parsed, in order, after the baseline date, with bands borrowed when absent. */
function handForecast(ind: Indicator, period: PeriodType, rows: HandPoint[], asOfDate: string, statistical: BaselineForecast | null): {points: ForecastRow[]; warnings: string[]} {
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

/** What a caller asks to freeze (the indicator already looked up). */
export interface FreezeRequest {
  name: string;
  geography: Geography;
  code?: string;
  period?: PeriodType;
  asOf: string;
  /** First period of the history (to start after a definitional change or an incomplete first year). */
  from?: string;
  method?: BaselineMethod;
  h?: number;
  forecast?: HandPoint[];
  author: string;
}

/**
 * The record of a frozen baseline, ready to store: a statistical forecast (or the hand-edited one
 * given) and the history as the suppressed roles see it, since every role reads a frozen baseline.
 * `disclosure` is the caller's: a caller who sees suppressed figures may not freeze a statistical
 * forecast fitted to a hidden history point (it would give the point back).
 */
export async function freezeBaselineRecord(
  warehouse: Reader & {currentVersion(): Promise<number | null>},
  ind: Indicator,
  b: FreezeRequest,
  audience: DisclosurePolicy,
  /** The policy the stored history is published under: the strictest of the suppressed roles' (every role reads it). */
  shared: DisclosurePolicy,
  clock: () => Date
): Promise<Omit<FrozenBaseline, "id">> {
  const period = b.period ?? ind.periods[0];
  const series = await buildSeries(warehouse, ind, {geography: b.geography, code: b.code, period, from: b.from});
  const asOfDate = parseAsOf(period, b.asOf);
  // A frozen baseline is read by every role: its history is stored, and its forecast fitted, as the
  // suppressed roles see it (rounded counts under a rounding policy).
  const stored = publishedTotals(series, {disclosure: "suppressed", policy: shared, mask: await seriesMask(warehouse, series, shared)});
  const {history} = splitAt(stored.series, asOfDate);
  const hiddenHistory = history.filter(stored.hidden).length;
  const full = audience.disclosure === "full";
  if (hiddenHistory && !full && !b.forecast) {
    throw new DomainError("cannot-compute", "history-suppressed", `${hiddenHistory} history point(s) of ${ind.id} here are hidden by disclosure control (c): a statistical forecast would give them back. Give a hand-edited forecast, choose a larger geography or a longer period, or ask an analyst to freeze it.`,
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
    if (!history.length) throw new DomainError("cannot-compute", "too-few-points", `${ind.id} has no ${period} points with values up to ${asOfDate}; a statistical forecast needs at least 5`, {points: 0, needed: 5});
    fc = forecastBaseline(ind, period, history, b.method ?? "auto", b.h ?? DEFAULT_H[period]);
    points = fc.points.map(({start: _s, end: _e, ...p}) => p);
    warnings = fc.warnings;
    methodUsed = fc.method;
    reason = fc.reason;
  }
  return {
    name: b.name, indicator: ind.id, geography: series.geography.type, code: series.geography.code, period, asOf: asOfDate,
    method: b.forecast ? "hand-edited" : b.method ?? "auto", methodUsed, reason, handEdited: Boolean(b.forecast), author: b.author,
    createdAt: clock().toISOString(), warehouseVersion: await warehouse.currentVersion(),
    polarity: ind.polarity, unit: ind.unit,
    history: history.map((p) => stored.pubOf(p) as unknown as Record<string, unknown>),
    forecast: points, warnings
  };
}

/** A frozen baseline with the actuals published since, judged against its stored forecast (never recomputed). */
export async function judgeFrozen(warehouse: Reader, disclosure: Disclosure | DisclosurePolicy, frozen: FrozenBaseline, sustain = 2) {
  const ind = warehouse.reference.catalogue.byId.get(frozen.indicator);
  if (!ind) return {baseline: frozen, actuals: [], verdict: null, notes: [`indicator ${frozen.indicator} is no longer in the catalogue: actuals cannot be read`]};
  const series = await buildSeries(warehouse, ind, {geography: frozen.geography as Series["geography"]["type"], code: frozen.code, period: frozen.period as PeriodType});
  const publication = await publicationFor(warehouse, series, disclosure);
  const {series: shown, pubOf, hidden} = publishedTotals(series, publication);
  const split = splitAt(shown, frozen.asOf);
  // The history as frozen may start later than the data (a baseline drawn from a chosen first period).
  const firstStart = typeof frozen.history[0]?.start === "string" ? (frozen.history[0].start as string) : null;
  const history = firstStart ? split.history.filter((p) => p.period.start >= firstStart) : split.history;
  const later = split.later;
  const lastHistory = history.length ? (history[history.length - 1].value as number) : null;
  const inHorizon = later.filter((p) => frozen.forecast.some((f) => f.period === p.period.label));
  const beyond = later.length > inHorizon.length ? [`${later.length - inHorizon.length} actual(s) fall beyond the frozen forecast's horizon and are not judged`] : [];
  // The stored history is re-read as this caller may see it today (records frozen before disclosure
  // control applied to them, or by an analyst, may hold counts that are now hidden).
  const current = new Map(shown.totals.map((p) => [p.period.label, p]));
  const frozenHistory = frozen.history.map((h) => {
    const p = current.get(String(h.period));
    return p && hidden(p) && h.flag !== "c"
      ? {...h, numerator: "c", ...(h.denominator !== null && ind.denominator.kind === "extract" ? {denominator: "c"} : {}), ...withheldEstimate("c"), method: null, flag: "c", benchmarks: []}
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
