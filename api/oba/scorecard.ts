import {z} from "zod";
import type {FrozenBaseline, Target} from "../appstore.js";
import {describeAgendaItem, discontinuedView, GEOGRAPHIES, PERIOD_TYPES, type Catalogue, type Geography, type Indicator} from "./catalogue.js";
import {countTogether, type Reader} from "./query.js";
import {geographyView, planSeries, resolveGeography, seriesFromCounts, type ResolvedGeography, type Series, type SeriesPlan, type SeriesRequest} from "./series.js";
import {publicationFor} from "./disclosure.js";
import type {DisclosurePolicy} from "./policy.js";
import {DomainError} from "./errors.js";
import {judgePublished, publishedTotals, spcEvidence, splitAt, trendEvidence, WITHHELD} from "./baseline.js";
import {slug} from "./ids.js";
import {issueLine} from "../../shared/issues.js";

/**
 * Scorecards (OBA report cards), declared in data/reference/scorecards.json: results → indicators
 * (population accountability) and programmes → performance measures. Each measure carries its latest
 * value and interval, the previous value, the recent trend, the verdict against the newest frozen
 * baseline, SPC icons, target status and benchmark comparison, all computed here so dashboards only
 * draw them. The warehouse and the caller's disclosure are passed in.
 */

const Measure = z.object({indicator: slug, quadrant: z.enum(["how-much", "how-well", "better-off"]).optional(), label: z.string().optional()}).strict();
export const ScorecardSchema = z.object({
  id: slug,
  name: z.string().min(1),
  description: z.string().default(""),
  period: z.enum(PERIOD_TYPES).default("financial-year"),
  geography: z.enum(GEOGRAPHIES).default("borough"),
  /** `agenda`: measures the result is accountable for that have no data yet (data development agenda). */
  results: z.array(z.object({id: slug, name: z.string().min(1), indicators: z.array(slug), agenda: z.array(slug).default([])}).strict()).min(1),
  programmes: z.array(z.object({id: slug, name: z.string().min(1), measures: z.array(Measure).default([])}).strict()).default([])
}).strict();
export type Scorecard = z.infer<typeof ScorecardSchema>;

const ScorecardFile = z.object({$comment: z.string().optional(), scorecards: z.array(ScorecardSchema)}).strict();

/** Scorecards (data/reference/scorecards.json, read by api/reference.ts), validated; every indicator they name must be in `catalogue`. */
export function parseScorecards(json: unknown, path: string, catalogue: Catalogue): Scorecard[] {
  const result = ScorecardFile.safeParse(json);
  if (!result.success) {
    throw new Error(issueLine(path, result.error));
  }
  for (const card of result.data.scorecards) {
    for (const id of [...card.results.flatMap((r) => r.indicators), ...card.programmes.flatMap((p) => p.measures.map((m) => m.indicator))]) {
      if (!catalogue.byId.has(id)) throw new Error(`${path}: scorecard ${card.id} names unknown indicator '${id}'`);
    }
    for (const id of card.results.flatMap((r) => r.agenda)) {
      if (!catalogue.agendaById.has(id)) throw new Error(`${path}: scorecard ${card.id} names unknown agenda item '${id}' (data development agenda in indicators.json)`);
    }
  }
  return result.data.scorecards;
}


/** Target status by polarity: met when the value is at or on the good side of the target. */
export function targetStatus(ind: Indicator, value: number | null, target: number | null): "met" | "not met" | "no target" | "not assessed" {
  if (target === null) return "no target";
  if (value === null || ind.polarity === "no-judgement") return "not assessed";
  return ind.polarity === "high-is-good" ? (value >= target ? "met" : "not met") : value <= target ? "met" : "not met";
}

/** The user-authored records a card reads: frozen baselines and targets. */
export interface Lookups {
  baselines: FrozenBaseline[];
  targets: Target[];
}

/** The series a measure shows on a card, or null when the indicator is not published for the geography. */
function measureRequest(ind: Indicator, card: Scorecard, geography: Geography, code: string | undefined): SeriesRequest | null {
  if (!ind.geographies.includes(geography)) return null;
  // The borough default is the indicator's own authority (Leeds for the infants indicator).
  return {geography, code: geography === "borough" ? code ?? ind.laCode : code, period: ind.periods.includes(card.period) ? card.period : ind.periods[0]};
}

/**
 * One measure of a scorecard; a measure that cannot be computed says why instead of failing the card.
 * `seriesOf` builds its series (`measureRequest`'s), which a card counts with its other measures' (`countedTogether`).
 */
export async function scorecardMeasure(db: Reader, disclosure: DisclosurePolicy, ind: Indicator, card: Scorecard, geography: Geography, code: string | undefined, lookups: Lookups,
  seriesOf: () => Promise<Series>) {
  const period = ind.periods.includes(card.period) ? card.period : ind.periods[0];
  const head = {indicator: ind.id, name: ind.name, definition: ind.definition, unit: ind.unit, polarity: ind.polarity, tier: ind.tier, period};
  if (!measureRequest(ind, card, geography, code)) {
    return {...head, available: false, reason: `not published for ${geography} (allowed: ${ind.geographies.join(", ")})`};
  }
  const series = await seriesOf();
  const ended = discontinuedView(ind, db.reference.catalogue);
  if (!splitAt(series, ended?.endsOn ?? null).history.length) return {...head, available: false, reason: "no published values yet", geography: geographyView(series.geography)};
  const publication = await publicationFor(db, series, disclosure);
  const {series: shown, pubOf, hidden} = publishedTotals(series, publication);
  const {history: usable} = splitAt(shown, ended?.endsOn ?? null);
  // Loaded periods after the end (with a tail of values, or none at all) are the discontinued case.
  if (ended && series.totals.some((p) => p.period.end > ended.endsOn)) return discontinuedMeasure(head, ended, series, usable.map(pubOf));
  const latest = usable[usable.length - 1];
  const previous = usable.length > 1 ? usable[usable.length - 2] : null;
  const geo = series.geography;
  const sameScope = (r: {indicator: string; geography: string; code: string}) => r.indicator === ind.id && r.geography === geo.type && r.code === geo.code;
  const target = lookups.targets.find((t) => sameScope(t) && t.period === latest.period.label) ?? null;
  const anyTarget = target ?? lookups.targets.find(sameScope) ?? null;
  const frozen = lookups.baselines.find((b) => sameScope(b) && b.period === period) ?? null;
  const latestPub = pubOf(latest);
  const shownLatest = typeof latestPub.value === "number" ? latestPub.value : null;
  let baseline = null;
  if (frozen) {
    const {history, later} = splitAt(shown, frozen.asOf);
    const head = {id: frozen.id, name: frozen.name, asOf: frozen.asOf, method: frozen.methodUsed, createdAt: frozen.createdAt};
    if (history.some(hidden) || (publication.disclosure !== "full" && frozen.history.some((h) => h.flag === "c"))) {
      // The forecast (and its band on each judged point) was fitted to a hidden count.
      baseline = {...head, verdict: "withheld", reason: `the verdict is ${WITHHELD}`, points: []};
    } else {
      const v = judgePublished(ind.polarity, frozen.forecast, later, hidden, {lastHistoryValue: history.length ? history[history.length - 1].value : null});
      baseline = {...head, verdict: v.verdict, reason: v.reason, points: v.points};
    }
  }
  const spc = spcEvidence(ind, usable, usable.length, anyTarget?.value ?? null, hidden);
  return {
    ...head,
    available: true,
    geography: geographyView(geo),
    latest: latestPub,
    previous: previous ? pubOf(previous) : null,
    change: previous && shownLatest !== null && typeof pubOf(previous).value === "number" ? shownLatest - (pubOf(previous).value as number) : null,
    trend: trendEvidence(ind, usable, hidden),
    baseline,
    spc: spc && {variationIcon: spc.variationIcon, assuranceIcon: spc.assuranceIcon, trial: spc.trial, message: spc.message, mean: spc.mean, lpl: spc.lpl, upl: spc.upl},
    target: {
      period: target?.period ?? anyTarget?.period ?? null,
      value: target?.value ?? null,
      status: targetStatus(ind, latestPub.flag === "c" ? null : shownLatest, target?.value ?? null),
      setBy: target?.author ?? null
    },
    benchmarks: latestPub.benchmarks,
    notes: series.notes
  };
}

/**
 * A measure that has ended: its last value before the end, for the record, and no judgement at all
 * (no trend, SPC, benchmark comparison or target status), since the periods after it hold only the
 * old process's tail; the reader is pointed to the successor.
 */
function discontinuedMeasure(head: Record<string, unknown>, ended: NonNullable<ReturnType<typeof discontinuedView>>, series: Series, published: ReturnType<ReturnType<typeof publishedTotals>["pubOf"]>[]) {
  const last = published[published.length - 1];
  const reason = `discontinued after ${ended.after}${ended.successor ? `: see ${ended.successor.name}` : ""}. ${ended.reason}`;
  return {
    ...head,
    available: true,
    status: "discontinued" as const,
    discontinued: ended,
    geography: geographyView(series.geography),
    latest: {...last, benchmarks: last.benchmarks.map((b) => ({...b, comparison: "not-compared"}))},
    previous: null,
    change: null,
    trend: {marker: "cannot-be-calculated", judgement: null, slope: null, chi2: null, significant: false, pointsUsed: 0, reason},
    baseline: null,
    spc: null,
    target: {period: null, value: null, status: "not assessed", setBy: null},
    benchmarks: last.benchmarks.map((b) => ({...b, comparison: "not-compared"})),
    notes: [reason, ...series.notes]
  };
}

/**
 * The series of a card's measures, counted together: each measure's series is planned first, then the
 * measures that count the same records in the same place and periods share one count query.
 */
function countedTogether(db: Reader, inds: Indicator[], card: Scorecard, geography: Geography, code: string | undefined): (id: string) => Promise<Series> {
  const plans = new Map<string, Promise<SeriesPlan>>();
  for (const ind of inds) {
    const request = measureRequest(ind, card, geography, code);
    if (request) plans.set(ind.id, planSeries(db, ind, request));
  }
  // A measure whose plan fails fails alone (as it would on its own); the others are still counted.
  const counts = Promise.allSettled([...plans.values()]).then((settled) => {
    const planned = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const answers = countTogether(db, planned.map((p) => ({ind: p.indicator, geo: p.geography, periods: p.available})));
    return new Map(planned.map((p, i) => [p.indicator.id, answers[i]]));
  });
  return async (id) => {
    const plan = await plans.get(id)!;
    return seriesFromCounts(db, plan, await (await counts).get(id)!);
  };
}

/**
 * A scorecard for a geography: each result's measures and agenda items, each programme's measures.
 * `readLookups` is null when the server has no app store (no baselines or targets are shown, and the card says so).
 */
export async function scorecardView(db: Reader, disclosure: DisclosurePolicy, card: Scorecard, q: {geography?: Geography; code?: string}, readLookups: (() => Promise<Lookups>) | null) {
  const geography = q.geography ?? card.geography;
  const {catalogue} = db.reference;
  // Check the geography once, against the first indicator that allows it, so a bad ward code is a 404 for the card.
  let geo: ResolvedGeography | null = null;
  if (geography !== "borough" || q.code) {
    const probe = card.results.flatMap((r) => r.indicators).map((i) => catalogue.byId.get(i)!).find((i) => i.geographies.includes(geography));
    if (!probe) throw new DomainError("invalid", "geography-not-allowed", `no indicator on scorecard ${card.id} is published for ${geography}`, {field: "geography"});
    geo = await resolveGeography(db, probe, geography, q.code);
  }
  const lookups: Lookups = readLookups ? await readLookups() : {baselines: [], targets: []};
  const ids = [...new Set([...card.results.flatMap((r) => r.indicators), ...card.programmes.flatMap((p) => p.measures.map((m) => m.indicator))])];
  const seriesOf = countedTogether(db, ids.map((id) => catalogue.byId.get(id)!), card, geography, q.code);
  // Every measure at once: their counts are one query per family of measures (see countTogether).
  const computed = new Map(ids.map((id) => {
    const ind = catalogue.byId.get(id)!;
    const m = scorecardMeasure(db, disclosure, ind, card, geography, q.code, lookups, () => seriesOf(id));
    void m.catch(() => undefined);
    return [id, m];
  }));
  const measured = (indId: string) => computed.get(indId)!;
  const results = [];
  for (const r of card.results) {
    const measures = [];
    for (const i of r.indicators) measures.push(await measured(i));
    // Shown as such, never left out: the card says which committed measures have no data yet, and what would feed them.
    const agenda = r.agenda.map((a) => {
      const item = catalogue.agendaById.get(a)!;
      return {...describeAgendaItem(item), available: false, reason: `on the data development agenda: no data yet (would be fed by ${item.source})`};
    });
    results.push({id: r.id, name: r.name, measures, agenda});
  }
  const programmes = [];
  for (const p of card.programmes) {
    const measures = [];
    for (const m of p.measures) measures.push({quadrant: m.quadrant ?? null, label: m.label ?? null, ...(await measured(m.indicator))});
    programmes.push({id: p.id, name: p.name, measures});
  }
  return {
    id: card.id, name: card.name, description: card.description, period: card.period,
    geography: geo ? geographyView(geo) : {type: geography, code: q.code ?? null},
    results, programmes,
    notes: readLookups ? [] : ["the app store is not configured: no baselines or targets are shown"]
  };
}
