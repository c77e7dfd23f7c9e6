import {z} from "zod";
import {contractFor, EXTRACT_TYPES, type ExtractType} from "../../pipelines/contracts/extracts.js";
import type {Field} from "../../pipelines/contracts/fields.js";
import {firstIssue} from "../../shared/issues.js";
import {fyEndDate} from "../../shared/calendar.js";
import {laCode, slug} from "./ids.js";

/**
 * The indicator catalogue (data/reference/indicators.json, read by api/reference.ts), validated at load. Adding an indicator is
 * a catalogue entry, not code: everything an entry may say is checked here against the extract
 * contracts, so a typo fails at start with the indicator and field named, and nothing in the file can
 * reach the SQL except as a parameter or as an identifier this module has already matched against a
 * whitelist (a contract field or a DERIVED expression).
 */

export const PERIOD_TYPES = ["month", "quarter", "financial-year", "rolling-12-months"] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

export const GEOGRAPHIES = ["borough", "area", "ward", "target-wards", "rest-of-borough"] as const;
export type Geography = (typeof GEOGRAPHIES)[number];

export const UNITS = ["count", "percent", "per-10000"] as const;
export type Unit = (typeof UNITS)[number];

export const POLARITIES = ["high-is-good", "low-is-good", "no-judgement"] as const;
export type Polarity = (typeof POLARITIES)[number];

/**
 * Derived values an indicator may filter or break down by: a fixed whitelist of SQL expressions over
 * the extract row (alias `x`) and the period (`p.period_end`). `needs` names the contract fields the
 * expression reads, so an indicator over an extract without them is refused at load.
 */
export interface Derived {
  description: string;
  type: "number" | "string" | "boolean";
  needs: string[];
  /** Only these extracts (when the expression reads other tables). */
  extracts?: ExtractType[];
  /** `at` is the SQL date the value is taken at (the event date, or the period end for snapshots). */
  sql: (at: string) => string;
}

/** Weekdays after `from` up to and including `to`; null when `to` is. */
function weekdaysAfter(from: string, to: string): string {
  // Whole weeks give 5 weekdays each; the remainder days are counted one by one (isodow 6, 7 = weekend).
  return `CASE WHEN ${to} IS NULL THEN NULL ELSE
      (date_diff('day', ${from}, ${to}) // 7) * 5 +
      len(list_filter(range(1, date_diff('day', ${from}, ${to}) % 7 + 1),
        k -> isodow(${from} + k::INTEGER) < 6)) END`;
}

const ageYears = (at: string) => `floor(date_diff('month', strptime(x.birth_month || '-01', '%Y-%m-%d')::DATE, ${at}) / 12)`;

/** Age bands used by DfE tables of children in need, on a plan and looked after. */
export const AGE_BANDS = [
  {band: "under 1", min: 0, max: 0},
  {band: "1-4", min: 1, max: 4},
  {band: "5-9", min: 5, max: 9},
  {band: "10-15", min: 10, max: 15},
  {band: "16-17", min: 16, max: 17}
] as const;

export const DERIVED: Record<string, Derived> = {
  age: {description: "age in whole years (from the month of birth) at the event date, or at the period end for snapshots", type: "number", needs: ["birth_month"], sql: ageYears},
  age_band: {
    description: "age band (under 1, 1-4, 5-9, 10-15, 16-17) at the event date, or at the period end for snapshots",
    type: "string", needs: ["birth_month"],
    sql: (at) => `CASE ${AGE_BANDS.map((b) => `WHEN ${ageYears(at)} <= ${b.max} THEN '${b.band}'`).join(" ")} ELSE '16-17' END`
  },
  area: {
    description: "neighbourhood area of the record's ward (from ref_wards)", type: "string", needs: ["ward"],
    sql: () => `coalesce((SELECT w.area_id FROM ref_wards w WHERE w.la_code = x.la_code AND w.ward_id = x.ward), 'unknown')`
  },
  new_period_of_care: {
    description: "the episode starts a period of care (SSDA903 RNE 'S'); a Curve-layout row without RNE is one period",
    type: "boolean", needs: ["rne"], extracts: ["looked_after"],
    // 903 writes an episode at every placement or legal-status change: only 'S' is a child starting care.
    sql: () => `(x.rne IS NULL OR x.rne = 'S')`
  },
  calendar_month: {description: "calendar month number (1-12) of the indicator's date", type: "number", needs: [], sql: (at) => `month(${at})`},
  plan_order: {
    description: "first or subsequent child protection plan", type: "string", needs: ["plan_sequence"], extracts: ["cp_plans"],
    sql: () => `CASE WHEN x.plan_sequence > 1 THEN 'subsequent' ELSE 'first' END`
  },
  working_days_to_completion: {
    description: "weekdays after the start date up to and including the completion date (bank holidays are not removed)",
    type: "number", needs: ["start_date", "completion_date"], extracts: ["assessments"],
    sql: () => weekdaysAfter("x.start_date", "x.completion_date")
  },
  working_days_to_icpc: {
    description: "weekdays after the section 47 enquiry started up to and including the initial child protection conference (bank holidays are not removed)",
    type: "number", needs: ["start_date", "icpc_date"], extracts: ["s47"],
    sql: () => weekdaysAfter("x.start_date", "x.icpc_date")
  },
  plan_lasted_2_years: {
    description: "the child protection plan had lasted two years or more when it ended (DfE: ceased after 2 years or more)",
    type: "boolean", needs: ["start_date", "end_date"], extracts: ["cp_plans"],
    sql: () => `(x.end_date IS NOT NULL AND x.end_date >= x.start_date + INTERVAL 2 YEAR)`
  },
  plan_open_3_months: {
    description: "the child protection plan had lasted three months or more at the date (long enough to need its first review)",
    type: "boolean", needs: ["start_date"], extracts: ["cp_plans"],
    sql: (at) => `(x.start_date <= ${at} - INTERVAL 3 MONTH)`
  },
  reviews_in_timescale: {
    description: "every review of the plan up to the date was on time (the first within 3 months of the plan's start, each later one within 6 months of the last) and none was overdue at the date (Working Together; DfE CIN census)",
    type: "boolean", needs: ["plan_id", "start_date"], extracts: ["cp_plans"],
    sql: (at) => {
      const reviews = `FROM cp_reviews r WHERE r.plan_id = x.plan_id AND r.la_code = x.la_code AND r.review_date >= x.start_date AND r.review_date <= ${at}`;
      return `(coalesce((SELECT bool_and(ok) FROM (SELECT r.review_date <= coalesce(lag(r.review_date) OVER (ORDER BY r.review_date) + INTERVAL 6 MONTH,
          x.start_date + INTERVAL 3 MONTH) AS ok ${reviews})), TRUE)
        AND ${at} <= coalesce((SELECT max(r.review_date) + INTERVAL 6 MONTH ${reviews}), x.start_date + INTERVAL 3 MONTH))`;
    }
  },
  placements_in_12_months: {
    description: "placements the child had in the 12 months to the date: the one held when they began, plus every episode starting in them that changed the placement (SSDA903 RNE other than L, legal status change only); a Curve-layout row without RNE is one placement",
    type: "number", needs: ["child_key", "rne", "start_date", "end_date"], extracts: ["looked_after"],
    sql: (at) => `(SELECT count(*) FROM looked_after e WHERE e.child_key = x.child_key AND e.la_code = x.la_code
      AND e.start_date <= ${at} AND (e.end_date IS NULL OR e.end_date > ${at} - INTERVAL 1 YEAR)
      AND (e.start_date <= ${at} - INTERVAL 1 YEAR OR e.rne IS NULL OR e.rne <> 'L'))`
  },
  looked_after_2_5_years: {
    description: "the child's current period of care (from the latest SSDA903 RNE 'S' episode, else the child's earliest loaded episode) had lasted two and a half years or more at the date",
    type: "boolean", needs: ["child_key", "rne", "start_date"], extracts: ["looked_after"],
    // A child whose 'S' episode came before the first return loaded has been looked after at least since their earliest episode.
    sql: (at) => `coalesce(coalesce((SELECT max(e.start_date) FROM looked_after e WHERE e.child_key = x.child_key AND e.la_code = x.la_code
      AND e.start_date <= ${at} AND (e.rne IS NULL OR e.rne = 'S')), (SELECT min(e.start_date) FROM looked_after e
      WHERE e.child_key = x.child_key AND e.la_code = x.la_code)) <= ${at} - INTERVAL 30 MONTH, FALSE)`
  },
  same_placement_2_years: {
    description: "the child had been in the same placement for two years or more at the date, or was placed for adoption (A3-A6) and the adoptive placement and the one before it together had lasted two years (DfE long-term stability)",
    type: "boolean", needs: ["child_key", "rne", "start_date", "placement"], extracts: ["looked_after"],
    sql: (at) => `coalesce((SELECT CASE WHEN x.placement IN ('A3', 'A4', 'A5', 'A6')
          THEN coalesce(list_sort(list(e.start_date))[-2], max(e.start_date)) ELSE max(e.start_date) END
        FROM looked_after e WHERE e.child_key = x.child_key AND e.la_code = x.la_code AND e.start_date <= ${at}
          AND (e.rne IS NULL OR e.rne <> 'L')) <= ${at} - INTERVAL 2 YEAR, FALSE)`
  },
  first_missing_in_year: {
    description: "the child's first episode of this kind (missing, or away without authorisation) in the financial year of its start, so counting these counts children",
    type: "boolean", needs: ["child_key", "missing_id", "missing_type", "start_date"], extracts: ["cla_missing"],
    sql: () => `NOT EXISTS (SELECT 1 FROM cla_missing m WHERE m.child_key = x.child_key AND m.la_code = x.la_code AND m.missing_type = x.missing_type
      AND m.start_date >= make_date(year(x.start_date) - CASE WHEN month(x.start_date) < 4 THEN 1 ELSE 0 END, 4, 1)
      AND (m.start_date < x.start_date OR (m.start_date = x.start_date AND m.missing_id < x.missing_id)))`
  },
  previous_referral_12m: {
    description: "the same child had an earlier referral to the same authority in the 12 months before this one",
    type: "boolean", needs: ["child_key", "referral_date"], extracts: ["referrals"],
    sql: () => `EXISTS (SELECT 1 FROM referrals prev WHERE prev.child_key = x.child_key AND prev.la_code = x.la_code
      AND prev.referral_id <> x.referral_id AND prev.referral_date <= x.referral_date
      AND prev.referral_date >= x.referral_date - INTERVAL 12 MONTH
      AND (prev.referral_date < x.referral_date OR prev.referral_id < x.referral_id))`
  }
};

const OPS = ["eq", "ne", "in", "not-in", "lt", "le", "gt", "ge", "is-null", "not-null", "has-any"] as const;
const Scalar = z.union([z.string().max(100), z.number(), z.boolean()]);

const Filter = z.object({
  field: z.string().optional(),
  derived: z.string().optional(),
  op: z.enum(OPS),
  value: z.union([Scalar, z.array(z.union([z.string().max(100), z.number()])).min(1).max(100)]).optional()
}).strict();
export type Filter = z.infer<typeof Filter>;

const Source = z.object({
  extract: z.enum(EXTRACT_TYPES),
  filter: z.array(Filter).default([]),
  /** The date that places a record in a period (events) or starts its open interval (snapshots). */
  date: z.string(),
  /** Snapshots only: the date the record closes (null = still open). */
  end: z.string().optional(),
  kind: z.enum(["event", "snapshot"]),
  /** Field holding the neighbourhood area when the extract records it directly (early help). */
  areaField: z.string().optional()
}).strict();

const Denominator = z.discriminatedUnion("kind", [
  z.object({kind: z.literal("population"), ages: z.tuple([z.number().int().min(0).max(17), z.number().int().min(0).max(17)])}).strict(),
  z.object({
    kind: z.literal("extract"),
    /** The same extract and date as the numerator; these filters must all appear in the numerator's. */
    filter: z.array(Filter).default([]),
    description: z.string().optional()
  }).strict(),
  z.object({kind: z.literal("none")}).strict()
]);

const Breakdown = z.object({
  label: z.string().min(1),
  field: z.string().optional(),
  derived: z.string().optional()
}).strict();

const Power = z.enum(["H", "M", "L"]);

export const IndicatorSchema = z.object({
  id: slug,
  name: z.string().min(1),
  definition: z.string().min(1),
  technicalDefinition: z.string().min(1),
  numerator: Source,
  denominator: Denominator,
  unit: z.enum(UNITS),
  polarity: z.enum(POLARITIES),
  periods: z.array(z.enum(PERIOD_TYPES)).min(1),
  geographies: z.array(z.enum(GEOGRAPHIES)).min(1),
  breakdowns: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), Breakdown).default({}),
  tier: z.enum(["headline", "secondary", "development"]),
  power: z.object({communication: Power, proxy: Power, data: Power}).strict(),
  benchmark: slug.nullable().default(null),
  /** Default authority (DfE LA number) for the borough geography. */
  laCode: laCode.default("821"),
  /** A note shown with every series (e.g. an approximation in the definition). */
  note: z.string().optional(),
  /**
   * A measure that ended: values after the financial year `after` are not judged (a tail of the old
   * process would read as a collapse), and readers are pointed to its successor.
   */
  discontinued: z.object({
    after: z.string().regex(/^\d{4}\/\d{2}$/, "expected a financial year such as 2013/14"),
    successor: slug.nullable(),
    reason: z.string().min(1)
  }).strict().optional()
}).strict();

export type Indicator = z.infer<typeof IndicatorSchema>;
export type Source = z.infer<typeof Source>;

/**
 * The OBA data development agenda: measures a strategy commits to that Curve cannot yet compute, each
 * with the source that would feed it, so a report card shows them as such instead of leaving them out.
 */
export const AgendaItemSchema = z.object({
  id: slug,
  name: z.string().min(1),
  definition: z.string().min(1),
  /** The dataset (and its owner) that would feed the measure. */
  source: z.string().min(1),
  unit: z.enum(UNITS),
  polarity: z.enum(POLARITIES)
}).strict();
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

/** A strategy's own list of measures, each mapped to indicators with data and/or agenda items. */
export const StrategySchema = z.object({
  id: slug,
  name: z.string().min(1),
  source: z.string().min(1),
  measures: z.array(z.object({
    text: z.string().min(1),
    indicators: z.array(slug).default([]),
    agenda: z.array(slug).default([])
  }).strict().refine((m) => m.indicators.length + m.agenda.length > 0, "a strategy measure must map to an indicator or an agenda item")).min(1)
}).strict();
export type Strategy = z.infer<typeof StrategySchema>;

export const CatalogueFile = z.object({
  $comment: z.string().optional(),
  indicators: z.array(IndicatorSchema).min(1),
  /**
   * Ward-targeting measures not yet published as indicators: compared between wards by api/targeting,
   * validated by the indicators' rules, and not listed, charted or judged as indicators.
   */
  targeting: z.array(IndicatorSchema).default([]),
  agenda: z.array(AgendaItemSchema).default([]),
  strategies: z.array(StrategySchema).default([])
}).strict();

export class CatalogueError extends Error {}

function fieldsOf(extract: ExtractType): Map<string, Field> {
  // The published values (e.g. sex as M/F/U) are the newest contract's; field names are the same in every version.
  return new Map(contractFor(extract, 2024).fields.map((f) => [f.name, f]));
}

function checkValueAgainstField(where: string, f: Field, op: Filter["op"], value: Filter["value"]): void {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const t = f.type;
  if (t.kind === "codes") {
    if (op !== "has-any" && op !== "is-null" && op !== "not-null") throw new CatalogueError(`${where}: ${f.name} is a list of codes: use has-any, is-null or not-null`);
  } else if (op === "has-any") {
    throw new CatalogueError(`${where}: has-any applies only to a list of codes, and ${f.name} is not one`);
  }
  if (t.kind === "enum" || t.kind === "codes") {
    for (const v of values) {
      if (!t.values.includes(String(v))) throw new CatalogueError(`${where}: '${v}' is not a value of ${f.name} (expected one of ${t.values.join(", ")})`);
    }
  }
  if ((t.kind === "int" || t.kind === "number") && values.some((v) => typeof v !== "number")) {
    throw new CatalogueError(`${where}: ${f.name} is a number, so the filter value must be a number`);
  }
  if (t.kind === "date" && values.some((v) => typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v))) {
    throw new CatalogueError(`${where}: ${f.name} is a date, so the filter value must be YYYY-MM-DD`);
  }
}

function checkFilter(where: string, extract: ExtractType, fields: Map<string, Field>, f: Filter): void {
  if ((f.field === undefined) === (f.derived === undefined)) throw new CatalogueError(`${where}: a filter names exactly one of field or derived`);
  const needsValue = f.op !== "is-null" && f.op !== "not-null";
  if (needsValue && f.value === undefined) throw new CatalogueError(`${where}: op ${f.op} needs a value`);
  if (!needsValue && f.value !== undefined) throw new CatalogueError(`${where}: op ${f.op} takes no value`);
  const listOp = f.op === "in" || f.op === "not-in" || f.op === "has-any";
  if (needsValue && listOp !== Array.isArray(f.value)) throw new CatalogueError(`${where}: op ${f.op} ${listOp ? "needs a list" : "needs a single value"}`);
  if (f.field !== undefined) {
    const field = fields.get(f.field);
    if (!field) throw new CatalogueError(`${where}: ${extract} has no field '${f.field}' (fields: ${[...fields.keys()].join(", ")})`);
    checkValueAgainstField(where, field, f.op, f.value);
  } else {
    checkDerived(where, extract, fields, f.derived!);
    const d = DERIVED[f.derived!];
    if (f.op === "has-any") throw new CatalogueError(`${where}: has-any applies only to a list of codes`);
    const values = Array.isArray(f.value) ? f.value : f.value === undefined ? [] : [f.value];
    if (values.some((v) => typeof v !== d.type)) throw new CatalogueError(`${where}: derived '${f.derived}' is a ${d.type}, so the value must be too`);
  }
}

function checkDerived(where: string, extract: ExtractType, fields: Map<string, Field>, name: string): void {
  const d = DERIVED[name];
  if (!d) throw new CatalogueError(`${where}: unknown derived value '${name}' (known: ${Object.keys(DERIVED).join(", ")})`);
  if (d.extracts && !d.extracts.includes(extract)) throw new CatalogueError(`${where}: derived '${name}' applies only to ${d.extracts.join(", ")}`);
  const missing = d.needs.filter((n) => !fields.has(n));
  if (missing.length) throw new CatalogueError(`${where}: derived '${name}' needs ${missing.join(", ")}, which ${extract} does not have`);
}

const sameFilter = (a: Filter, b: Filter) => JSON.stringify([a.field, a.derived, a.op, a.value]) === JSON.stringify([b.field, b.derived, b.op, b.value]);

/** Cross-field rules zod cannot express: everything named must exist in the extract's contract. */
export function checkIndicator(ind: Indicator): void {
  const where = `indicator ${ind.id}`;
  const n = ind.numerator;
  const fields = fieldsOf(n.extract);
  const isDate = (name: string) => fields.get(name)?.type.kind === "date";
  if (!isDate(n.date)) throw new CatalogueError(`${where}: numerator.date '${n.date}' is not a date field of ${n.extract}`);
  if (n.kind === "snapshot" && (!n.end || !isDate(n.end))) throw new CatalogueError(`${where}: a snapshot needs numerator.end, a date field of ${n.extract}`);
  if (n.kind === "event" && n.end) throw new CatalogueError(`${where}: numerator.end applies only to snapshots`);
  if (n.areaField && !fields.has(n.areaField)) throw new CatalogueError(`${where}: ${n.extract} has no field '${n.areaField}'`);
  n.filter.forEach((f, i) => checkFilter(`${where} numerator.filter[${i}]`, n.extract, fields, f));
  const d = ind.denominator;
  if (d.kind === "extract") {
    d.filter.forEach((f, i) => checkFilter(`${where} denominator.filter[${i}]`, n.extract, fields, f));
    // The numerator must be a subset of the denominator so a percentage can never exceed 100%.
    for (const f of d.filter) {
      if (!n.filter.some((g) => sameFilter(f, g))) throw new CatalogueError(`${where}: every denominator filter must also be a numerator filter (missing ${JSON.stringify(f)})`);
    }
    if (ind.unit !== "percent") throw new CatalogueError(`${where}: an extract denominator gives a percentage: unit must be percent`);
  }
  if (d.kind === "population") {
    if (d.ages[0] > d.ages[1]) throw new CatalogueError(`${where}: denominator ages [${d.ages.join(", ")}] run backwards`);
    if (ind.unit !== "per-10000") throw new CatalogueError(`${where}: a population denominator gives a rate: unit must be per-10000`);
  }
  if (d.kind === "none" && ind.unit !== "count") throw new CatalogueError(`${where}: without a denominator the unit must be count`);
  if (n.kind === "snapshot" && ind.periods.includes("rolling-12-months")) {
    throw new CatalogueError(`${where}: a snapshot is taken at a date, so rolling-12-months does not apply`);
  }
  const hasWard = fields.has("ward");
  for (const g of ind.geographies) {
    if (g === "borough") continue;
    if (g === "area" && (hasWard || n.areaField)) continue;
    if (!hasWard) throw new CatalogueError(`${where}: geography ${g} needs a ward field, which ${n.extract} does not have`);
  }
  for (const [name, b] of Object.entries(ind.breakdowns)) {
    const w = `${where} breakdown ${name}`;
    if ((b.field === undefined) === (b.derived === undefined)) throw new CatalogueError(`${w}: names exactly one of field or derived`);
    if (b.field !== undefined) {
      const f = fields.get(b.field);
      if (!f) throw new CatalogueError(`${w}: ${n.extract} has no field '${b.field}'`);
      if (f.type.kind === "codes" || f.type.kind === "key" || f.type.kind === "date") throw new CatalogueError(`${w}: ${b.field} cannot be a breakdown (a ${f.type.kind} field)`);
    } else {
      checkDerived(w, n.extract, fields, b.derived!);
      // Booleans become 'true'/'false' groups; day counts would make too many groups to read.
      if (b.derived?.startsWith("working_days_")) throw new CatalogueError(`${w}: ${b.derived} has too many values to be a breakdown`);
    }
  }
}

export interface Catalogue {
  indicators: Indicator[];
  byId: Map<string, Indicator>;
  /** Ward-targeting measures that are not (yet) indicators. */
  targeting: Indicator[];
  agenda: AgendaItem[];
  agendaById: Map<string, AgendaItem>;
  strategies: Strategy[];
}

export function parseCatalogue(json: unknown, source = "indicators.json"): Catalogue {
  const result = CatalogueFile.safeParse(json);
  if (!result.success) {
    const issue = firstIssue(result.error);
    const path = issue.path;
    let label = issue.field;
    if (path[0] === "indicators" && typeof path[1] === "number") {
      const id = (json as {indicators?: {id?: string}[]})?.indicators?.[path[1]]?.id;
      if (id) label = `indicator ${id}: ${path.slice(2).map(String).join(".")}`;
    }
    throw new CatalogueError(`${source}: ${label}: ${issue.message}`);
  }
  const byId = new Map<string, Indicator>();
  for (const ind of result.data.indicators) {
    if (byId.has(ind.id)) throw new CatalogueError(`${source}: indicator id '${ind.id}' appears twice`);
    try {
      checkIndicator(ind);
    } catch (e) {
      throw new CatalogueError(`${source}: ${(e as Error).message}`);
    }
    byId.set(ind.id, ind);
  }
  const targetingIds = new Set<string>();
  for (const ind of result.data.targeting) {
    if (byId.has(ind.id) || targetingIds.has(ind.id)) throw new CatalogueError(`${source}: targeting measure id '${ind.id}' is already used (a measure that has become an indicator moves out of targeting)`);
    try {
      checkIndicator(ind);
    } catch (e) {
      throw new CatalogueError(`${source}: ${(e as Error).message}`);
    }
    targetingIds.add(ind.id);
  }
  for (const ind of result.data.indicators) {
    const next = ind.discontinued?.successor;
    if (next && !byId.has(next)) throw new CatalogueError(`${source}: indicator ${ind.id}: discontinued.successor '${next}' is not in the catalogue`);
  }
  const agendaById = new Map<string, AgendaItem>();
  for (const a of result.data.agenda) {
    if (byId.has(a.id) || targetingIds.has(a.id) || agendaById.has(a.id)) throw new CatalogueError(`${source}: agenda id '${a.id}' is already used`);
    agendaById.set(a.id, a);
  }
  for (const s of result.data.strategies) {
    for (const m of s.measures) {
      for (const id of m.indicators) if (!byId.has(id)) throw new CatalogueError(`${source}: strategy ${s.id} measure '${m.text}' names unknown indicator '${id}'`);
      for (const id of m.agenda) if (!agendaById.has(id)) throw new CatalogueError(`${source}: strategy ${s.id} measure '${m.text}' names unknown agenda item '${id}'`);
    }
  }
  return {indicators: result.data.indicators, byId, targeting: result.data.targeting, agenda: result.data.agenda, agendaById, strategies: result.data.strategies};
}

/** An agenda item as a client sees it: marked as having no data yet, with the source that would feed it. */
export function describeAgendaItem(a: AgendaItem) {
  return {id: a.id, name: a.name, definition: a.definition, unit: a.unit, polarity: a.polarity, tier: "development" as const, hasData: false, wouldBeFedBy: a.source};
}

/** When a discontinued indicator ended (the last day of its last year) and what replaced it (in `catalogue`), with the successor's name. */
export function discontinuedView(ind: Indicator, catalogue: Catalogue) {
  const d = ind.discontinued;
  if (!d) return null;
  const successor = d.successor ? catalogue.byId.get(d.successor) ?? null : null;
  return {after: d.after, endsOn: fyEndDate(Number(d.after.slice(0, 4))), reason: d.reason, successor: successor ? {id: successor.id, name: successor.name} : null};
}

/** What a client sees of an indicator: everything but the internal source description is public. */
export function describeIndicator(ind: Indicator, catalogue: Catalogue) {
  return {
    id: ind.id, name: ind.name, definition: ind.definition, technicalDefinition: ind.technicalDefinition,
    unit: ind.unit, polarity: ind.polarity, periods: ind.periods, geographies: ind.geographies,
    breakdowns: Object.fromEntries(Object.entries(ind.breakdowns).map(([k, b]) => [k, b.label])),
    tier: ind.tier, power: ind.power, benchmark: ind.benchmark, laCode: ind.laCode, note: ind.note ?? null,
    discontinued: discontinuedView(ind, catalogue),
    source: {
      extract: ind.numerator.extract, kind: ind.numerator.kind, date: ind.numerator.date, end: ind.numerator.end ?? null,
      numeratorFilter: ind.numerator.filter,
      denominator: ind.denominator
    }
  };
}
