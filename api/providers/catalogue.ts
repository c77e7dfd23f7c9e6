import {z} from "zod";
import {contractFor} from "../../pipelines/contracts/extracts.js";
import {POLARITIES} from "../oba/catalogue.js";
import {slug} from "../oba/ids.js";
import {issueLine} from "../../shared/issues.js";

/**
 * The performance-measure catalogue (data/reference/performance-measures.json), validated at load
 * like the indicator catalogue: a measure names a cohort and filters from the whitelists below, so
 * adding a measure is a catalogue entry, not code, and nothing in the file reaches SQL.
 *
 * Every measure is computed in TypeScript over one row per service episode (see episodes.ts), so
 * the cohort and filter vocabulary here is all a measure can say.
 */

export const QUADRANTS = [
  {id: "how-much", question: "How much did we do?"},
  {id: "how-well", question: "How well did we do it?"},
  {id: "better-off", question: "Is anyone better off?"}
] as const;
export type Quadrant = (typeof QUADRANTS)[number]["id"];

/**
 * Which episodes a measure counts in a period (its denominator, or its count).
 * - referred: referral date in the period
 * - started: start date in the period
 * - open: started by the end of the period and not ended before it began
 * - ended: started, and end date in the period
 * - scored: ended, with both an outcome score at the start and at the end
 * - followed-up: ended (not moved away) with 12 months of follow-up inside the loaded referrals
 */
export const COHORTS = ["referred", "started", "open", "ended", "scored", "followed-up"] as const;
export type Cohort = (typeof COHORTS)[number];

export const STATISTICS = ["count", "proportion", "mean", "cost-per"] as const;
export type Statistic = (typeof STATISTICS)[number];

export const MEASURE_UNITS = ["count", "percent", "gbp"] as const;
export type MeasureUnit = (typeof MEASURE_UNITS)[number];

/** Fields of an episode a filter may test, with the values they may take. */
const END_REASONS = (() => {
  const f = contractFor("service_episodes", 2024).fields.find((x) => x.name === "end_reason");
  return f && f.type.kind === "enum" ? [...f.type.values] : [];
})();
export const FILTER_FIELDS: Record<string, {type: "string" | "number"; values?: readonly (string | number)[]}> = {
  end_reason: {type: "string", values: END_REASONS},
  level_of_need: {type: "number", values: [1, 2, 3, 4]}
};

/** Derived booleans a filter may test (computed per episode in episodes.ts; null = cannot be said). */
export const DERIVED_FLAGS = {
  started_within_10_working_days: "weekdays after the referral date up to and including the start date are 10 or fewer",
  reliable_improvement: "end score − start score ≥ the programme's reliable_change (false when either score is missing)",
  referred_within_12_months: "the same child was referred to children's social care on or after the end date and within 12 months of it (null when follow-up is incomplete)"
} as const;
export type DerivedFlag = keyof typeof DERIVED_FLAGS;

const Scalar = z.union([z.string().max(100), z.number(), z.boolean()]);

const Filter = z.object({
  field: z.string().optional(),
  derived: z.string().optional(),
  op: z.enum(["eq", "ne", "in", "not-in"]),
  value: z.union([Scalar, z.array(z.union([z.string().max(100), z.number()])).min(1).max(50)])
}).strict();
export type MeasureFilter = z.infer<typeof Filter>;

export const MeasureSchema = z.object({
  id: slug,
  name: z.string().min(1),
  quadrant: z.enum(QUADRANTS.map((q) => q.id) as [Quadrant, ...Quadrant[]]),
  definition: z.string().min(1),
  technicalDefinition: z.string().min(1),
  cohort: z.enum(COHORTS),
  statistic: z.enum(STATISTICS),
  numerator: z.array(Filter).default([]),
  /** The cost field of mean and cost-per measures. */
  field: z.literal("unit_cost").optional(),
  unit: z.enum(MEASURE_UNITS),
  polarity: z.enum(POLARITIES),
  /** Offered for case-mix adjusted comparison (proportions only). */
  caseMix: z.boolean().default(false),
  /**
   * Financial years too small to show for an audience are also reported pooled with the year before
   * (the two years' counts added), as councils do for small linked cohorts, instead of only `c`.
   */
  poolTwoYearsWhenSmall: z.boolean().default(false),
  /** Not yet collected: why, and what would be needed (OBA's data development agenda). */
  dataDevelopment: z.string().optional()
}).strict();
export type PerformanceMeasure = z.infer<typeof MeasureSchema>;

const ServiceMapConfig = z.object({
  $comment: z.string().optional(),
  referralLevel: z.record(z.string(), z.number().int().min(1).max(4)),
  minNeed: z.number().int().min(1).max(1000)
}).strict();
export type ServiceMapConfig = z.infer<typeof ServiceMapConfig>;

const MeasureFile = z.object({
  $comment: z.string().optional(),
  measures: z.array(MeasureSchema).min(1),
  serviceMap: ServiceMapConfig
}).strict();

export class MeasureCatalogueError extends Error {}

function checkFilter(where: string, f: MeasureFilter): void {
  if ((f.field === undefined) === (f.derived === undefined)) throw new MeasureCatalogueError(`${where}: a filter names exactly one of field or derived`);
  const list = f.op === "in" || f.op === "not-in";
  if (list !== Array.isArray(f.value)) throw new MeasureCatalogueError(`${where}: op ${f.op} ${list ? "needs a list" : "needs a single value"}`);
  const values = Array.isArray(f.value) ? f.value : [f.value];
  if (f.field !== undefined) {
    const spec = FILTER_FIELDS[f.field];
    if (!spec) throw new MeasureCatalogueError(`${where}: episodes cannot be filtered on '${f.field}' (allowed: ${Object.keys(FILTER_FIELDS).join(", ")})`);
    for (const v of values) {
      if (typeof v !== spec.type) throw new MeasureCatalogueError(`${where}: ${f.field} is a ${spec.type}, so the value must be too`);
      if (spec.values && !spec.values.includes(v as string | number)) {
        throw new MeasureCatalogueError(`${where}: '${v}' is not a value of ${f.field} (expected one of ${spec.values.join(", ")})`);
      }
    }
  } else {
    if (!(f.derived! in DERIVED_FLAGS)) throw new MeasureCatalogueError(`${where}: unknown derived value '${f.derived}' (known: ${Object.keys(DERIVED_FLAGS).join(", ")})`);
    if (list || typeof f.value !== "boolean") throw new MeasureCatalogueError(`${where}: derived '${f.derived}' is a boolean: use eq or ne with true or false`);
  }
}

const UNIT_OF: Record<Statistic, MeasureUnit> = {count: "count", proportion: "percent", mean: "gbp", "cost-per": "gbp"};

/** Cross-field rules zod cannot express. */
export function checkMeasure(m: PerformanceMeasure): void {
  const where = `measure ${m.id}`;
  if (m.unit !== UNIT_OF[m.statistic]) throw new MeasureCatalogueError(`${where}: a ${m.statistic} measure has unit ${UNIT_OF[m.statistic]}, not ${m.unit}`);
  if ((m.statistic === "proportion" || m.statistic === "cost-per") && m.numerator.length === 0) {
    throw new MeasureCatalogueError(`${where}: a ${m.statistic} measure needs numerator filters (which episodes count)`);
  }
  if (m.statistic === "mean" && m.numerator.length) throw new MeasureCatalogueError(`${where}: a mean has no numerator`);
  if ((m.statistic === "mean" || m.statistic === "cost-per") !== (m.field !== undefined)) {
    throw new MeasureCatalogueError(`${where}: field (the cost) is given exactly for mean and cost-per measures`);
  }
  if (m.caseMix && m.statistic !== "proportion") throw new MeasureCatalogueError(`${where}: case-mix adjustment applies to proportions only`);
  if (m.poolTwoYearsWhenSmall && m.statistic !== "proportion") throw new MeasureCatalogueError(`${where}: pooling two years applies to proportions only`);
  m.numerator.forEach((f, i) => checkFilter(`${where} numerator[${i}]`, f));
}

export interface MeasureCatalogue {
  measures: PerformanceMeasure[];
  byId: Map<string, PerformanceMeasure>;
  serviceMap: ServiceMapConfig;
}

export function parseMeasureCatalogue(json: unknown, source = "performance-measures.json"): MeasureCatalogue {
  const result = MeasureFile.safeParse(json);
  if (!result.success) {
    throw new MeasureCatalogueError(issueLine(source, result.error));
  }
  const byId = new Map<string, PerformanceMeasure>();
  for (const m of result.data.measures) {
    if (byId.has(m.id)) throw new MeasureCatalogueError(`${source}: measure id '${m.id}' appears twice`);
    try {
      checkMeasure(m);
    } catch (e) {
      throw new MeasureCatalogueError(`${source}: ${(e as Error).message}`);
    }
    byId.set(m.id, m);
  }
  return {measures: result.data.measures, byId, serviceMap: result.data.serviceMap};
}

/** What a client sees of a measure. */
export function describeMeasure(m: PerformanceMeasure) {
  return {
    id: m.id, name: m.name, quadrant: m.quadrant, definition: m.definition, technicalDefinition: m.technicalDefinition,
    statistic: m.statistic, unit: m.unit, polarity: m.polarity, caseMix: m.caseMix,
    available: m.dataDevelopment === undefined, dataDevelopment: m.dataDevelopment ?? null
  };
}
