import {DomainError, badRequest} from "../oba/errors.js";
import type {Queryable} from "../oba/query.js";
import {fyEndDate, fyLabel, fyOfDate, fyStartDate, parsePeriod, periodsWithin, type Period} from "../oba/periods.js";

/**
 * Service episodes as the performance measures see them: one plain row per episode, read from the
 * published warehouse in one parameterised query, with the derived flags the catalogue may test.
 * The child key is used inside the query (to link an episode to later referrals) and never leaves it.
 */

export type PeriodKind = "financial-year" | "quarter";

export interface ResolvedPeriod extends Period {
  type: PeriodKind;
}

/** `2013/14` (a financial year) or `2013/14 Q2` (a financial-year quarter; Q1 is April to June). */
export function resolvePeriod(text: string, param = "period"): ResolvedPeriod {
  const t = text.trim();
  const type: PeriodKind = /q[1-4]$/i.test(t) ? "quarter" : "financial-year";
  if (!/^\d{4}\/\d{2}([ _-]?Q[1-4])?$/i.test(t)) {
    throw badRequest(`${param} '${text}' is not a period: expected a financial year such as 2013/14 or a quarter such as 2013/14 Q2`, {field: param});
  }
  return {type, ...parsePeriod(type, t, param)};
}

/** Age groups at referral (or at the assessment) used for case mix and the service map; unborn children count as under 1. */
export const AGE_GROUPS = [
  {id: "under 1", max: 0},
  {id: "1-4", max: 4},
  {id: "5-9", max: 9},
  {id: "10-15", max: 15},
  {id: "16+", max: Number.POSITIVE_INFINITY}
] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number]["id"] | "unknown";

export function ageGroup(age: number | null): AgeGroup {
  if (age === null || !Number.isFinite(age)) return "unknown";
  return AGE_GROUPS.find((g) => age <= g.max)!.id;
}

const dayNumber = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

/**
 * Weekdays after `from` up to and including `to` (bank holidays are not removed, as in the
 * indicator catalogue's working_days_to_completion). Referral on a Friday, start the next Monday: 1.
 */
export function workingDaysBetween(from: string, to: string): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (b <= a) return 0;
  const days = b - a;
  let n = Math.floor(days / 7) * 5;
  // 1970-01-01 (day 0) was a Thursday: isodow = ((d + 3) mod 7) + 1, Monday = 1.
  for (let k = a + Math.floor(days / 7) * 7 + 1; k <= b; k++) {
    const isodow = (((k + 3) % 7) + 7) % 7 + 1;
    if (isodow < 6) n++;
  }
  return n;
}

export interface EpisodeRow {
  episodeId: string;
  providerId: string;
  programmeId: string;
  ward: string | null;
  /** Whole years at referral (−1 before birth), from the month of birth. */
  age: number | null;
  ageGroup: AgeGroup;
  levelOfNeed: number;
  referralDate: string;
  startDate: string | null;
  endDate: string | null;
  endReason: string | null;
  outcomePre: number | null;
  outcomePost: number | null;
  /** The programme's reliable change (providers.json); null when the programme is not in the catalogue. */
  reliableChange: number | null;
  unitCost: number;
  workingDaysToStart: number | null;
  reliableImprovement: boolean | null;
  /** Null when the episode has not ended or its 12 months of follow-up are not all loaded. */
  referredWithin12Months: boolean | null;
  followUpComplete: boolean;
}

/** A raw row as the query returns it. */
export interface RawEpisode {
  episode_id: string;
  provider_id: string;
  programme_id: string;
  ward: string | null;
  age: number | null;
  level_of_need: number;
  referral_date: string;
  start_date: string | null;
  end_date: string | null;
  end_reason: string | null;
  outcome_pre: number | null;
  outcome_post: number | null;
  reliable_change: number | null;
  unit_cost: number | null;
  follow_up_end: string | null;
  referred_12m: boolean | null;
}

/** The derived flags of one episode, given the last day referrals are loaded to (null: none loaded). */
export function deriveEpisode(r: RawEpisode, referralsLoadedTo: string | null): EpisodeRow {
  const scored = r.outcome_pre !== null && r.outcome_post !== null;
  const followUpComplete = r.end_date !== null && r.follow_up_end !== null && referralsLoadedTo !== null && r.follow_up_end <= referralsLoadedTo;
  return {
    episodeId: r.episode_id,
    providerId: r.provider_id,
    programmeId: r.programme_id,
    ward: r.ward,
    age: r.age,
    ageGroup: ageGroup(r.age),
    levelOfNeed: r.level_of_need,
    referralDate: r.referral_date,
    startDate: r.start_date,
    endDate: r.end_date,
    endReason: r.end_reason,
    outcomePre: r.outcome_pre,
    outcomePost: r.outcome_post,
    reliableChange: r.reliable_change,
    unitCost: r.unit_cost ?? 0,
    workingDaysToStart: r.start_date === null ? null : workingDaysBetween(r.referral_date, r.start_date),
    reliableImprovement: r.reliable_change === null ? null : scored ? (r.outcome_post as number) - (r.outcome_pre as number) >= r.reliable_change : false,
    referredWithin12Months: followUpComplete ? Boolean(r.referred_12m) : null,
    followUpComplete
  };
}

export interface Coverage {
  from: string;
  to: string;
}

async function coverageOf(db: Queryable, extract: string, laCode: string): Promise<Coverage | null> {
  const rows = await db.query<{first: number | null; last: number | null}>(
    `SELECT min(collection_year)::INTEGER AS first, max(collection_year)::INTEGER AS last FROM extract_loads
     WHERE extract_type = $1 AND la_code = $2 AND coalesce(rows_loaded, 0) > 0`, [extract, laCode]);
  const r = rows[0];
  if (!r || r.first === null || r.last === null) return null;
  return {from: fyStartDate(r.first), to: fyEndDate(r.last)};
}

export interface EpisodeData {
  laCode: string;
  episodes: EpisodeRow[];
  /** Financial years of service-episode extracts loaded (by referral date). */
  coverage: Coverage | null;
  /** Financial years of referral extracts loaded: the re-referral follow-up window must end inside it. */
  referralsCoverage: Coverage | null;
}

/**
 * Every service episode of the authority, with its programme's reliable change and whether the
 * child was referred to children's social care on or after the episode's end date and within 12
 * calendar months of it (DuckDB month arithmetic: 29 February + 12 months = 28 February).
 */
export async function loadEpisodes(db: Queryable, laCode = "821"): Promise<EpisodeData> {
  const [coverage, referralsCoverage] = await Promise.all([coverageOf(db, "service_episodes", laCode), coverageOf(db, "referrals", laCode)]);
  const raw = await db.query<RawEpisode>(`
    SELECT e.episode_id, e.provider_id, e.programme_id, e.ward,
      floor(date_diff('month', strptime(e.birth_month || '-01', '%Y-%m-%d')::DATE, e.referral_date) / 12)::INTEGER AS age,
      e.level_of_need::INTEGER AS level_of_need,
      e.referral_date::VARCHAR AS referral_date, e.start_date::VARCHAR AS start_date, e.end_date::VARCHAR AS end_date, e.end_reason,
      e.outcome_pre::DOUBLE AS outcome_pre, e.outcome_post::DOUBLE AS outcome_post,
      g.reliable_change::DOUBLE AS reliable_change, e.unit_cost::DOUBLE AS unit_cost,
      (e.end_date + INTERVAL 12 MONTH)::DATE::VARCHAR AS follow_up_end,
      CASE WHEN e.end_date IS NULL THEN NULL ELSE EXISTS (
        SELECT 1 FROM referrals r WHERE r.child_key = e.child_key AND r.la_code = e.la_code
          AND r.referral_date >= e.end_date AND r.referral_date <= e.end_date + INTERVAL 12 MONTH) END AS referred_12m
    FROM service_episodes e
    LEFT JOIN ref_programmes g ON g.provider_id = e.provider_id AND g.programme_id = e.programme_id
    WHERE e.la_code = $1
    ORDER BY e.referral_date, e.episode_id`, [laCode]);
  return {laCode, episodes: raw.map((r) => deriveEpisode(r, referralsCoverage?.to ?? null)), coverage, referralsCoverage};
}

export interface ProgrammeInfo {
  programmeId: string;
  name: string;
  levelOfNeed: number[];
  ageBand: string;
  outcomeMeasure: string;
  reliableChange: number;
  unitCost: number;
}

export interface ProviderInfo {
  providerId: string;
  name: string;
  kind: string;
  programmes: ProgrammeInfo[];
}

/** The provider and programme catalogue as loaded into this warehouse version. */
export async function loadProviders(db: Queryable): Promise<ProviderInfo[]> {
  const providers = await db.query<{provider_id: string; name: string; kind: string}>(`SELECT provider_id, name, kind FROM ref_providers ORDER BY provider_id`);
  const programmes = await db.query<{provider_id: string; programme_id: string; name: string; level_of_need: string; age_band: string; outcome_measure: string; reliable_change: number; unit_cost: number}>(
    `SELECT provider_id, programme_id, name, array_to_string(level_of_need, ',') AS level_of_need, age_band, outcome_measure,
       reliable_change::DOUBLE AS reliable_change, unit_cost::DOUBLE AS unit_cost FROM ref_programmes ORDER BY provider_id, programme_id`);
  return providers.map((p) => ({
    providerId: p.provider_id, name: p.name, kind: p.kind,
    programmes: programmes.filter((g) => g.provider_id === p.provider_id).map((g) => ({
      programmeId: g.programme_id, name: g.name, levelOfNeed: g.level_of_need.split(",").filter(Boolean).map(Number), ageBand: g.age_band,
      outcomeMeasure: g.outcome_measure, reliableChange: g.reliable_change, unitCost: g.unit_cost
    }))
  }));
}

/** The periods of `type` inside the coverage, up to and including `last`. */
export function historyPeriods(type: PeriodKind, coverage: Coverage | null, last: Period): Period[] {
  if (!coverage) return [];
  return periodsWithin(type, coverage.from, coverage.to).filter((p) => p.end <= last.end);
}

/** 422 when the period lies outside the loaded service-episode extracts. */
export function assertCovered(period: Period, coverage: Coverage | null, param = "period"): void {
  if (!coverage) throw new DomainError("cannot-compute", "no-service-episodes", "no service-episodes extract has been loaded yet, so there is nothing to measure");
  if (period.start < coverage.from || period.end > coverage.to) {
    throw new DomainError("cannot-compute", "period-not-loaded", `${param} ${period.label} is outside the loaded service-episode extracts (${fyLabel(fyOfDate(coverage.from))} to ${fyLabel(fyOfDate(coverage.to))})`,
      {field: param, coverage});
  }
}

/** The latest financial year of the coverage (the default period). */
export function latestYear(coverage: Coverage | null): ResolvedPeriod | null {
  if (!coverage) return null;
  return resolvePeriod(fyLabel(fyOfDate(coverage.to)));
}
