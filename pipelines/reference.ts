import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {parse} from "csv-parse/sync";
import {z} from "zod";
import {readPeriod} from "../shared/calendar.js";
import {firstIssue} from "../shared/issues.js";

/**
 * Reference data (data/reference/), validated at load so a typo in a committed file fails loudly with
 * the file, row and field rather than producing a ward that silently has no children.
 */

const code = z.string().regex(/^\d{3}$/, "expected a 3-digit DfE LA number");
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected a lowercase slug");
const num = z.coerce.number().refine(Number.isFinite, "expected a number");

export const Area = z.object({la_code: code, area_id: slug, name: z.string().min(1)});
export const Ward = z.object({
  la_code: code, ward_id: slug, name: z.string().min(1), area_id: slug, vintage: z.string().min(1),
  ons_code: z.string().regex(/^(E05\d{6})?$/, "expected an ONS ward code E05xxxxxx or empty")
});
export const PopulationRow = z.object({
  la_code: code, ward_id: slug, year: z.coerce.number().int().min(2000).max(2100),
  age: z.coerce.number().int().min(0).max(17), children: num.pipe(z.number().min(0))
});
export const DeprivationRow = z.object({
  la_code: code, ward_id: slug, idaci_score: num.pipe(z.number().min(0).max(1)),
  idaci_rank: z.coerce.number().int().min(1), vintage: z.string().min(1)
});
export const BenchmarkRow = z.object({
  indicator_id: slug, period: z.string().regex(/^\d{4}\/\d{2}$/, "expected a financial year like 2012/13"),
  comparator: z.enum(["england", "statistical-neighbours", "region"]), value: num,
  unit: z.enum(["per-10000", "percent", "count", "rate"]), source: z.string().min(1)
});
export const TargetWardSet = z.object({
  id: slug, name: z.string().min(1), la_code: code, illustrative: z.boolean(), note: z.string(),
  wards: z.array(slug).min(1)
});
export const Programme = z.object({
  programme_id: slug, name: z.string().min(1), level_of_need: z.array(z.number().int().min(1).max(4)).min(1),
  age_band: z.string(), outcome_measure: z.string(), reliable_change: z.number().positive(), unit_cost: z.number().min(0)
});
export const Provider = z.object({
  provider_id: slug, name: z.string().min(1), kind: z.enum(["in-house", "commissioned"]), programmes: z.array(Programme).min(1)
});
export const Authority = z.object({
  la_code: code, name: z.string().min(1), region: z.string().min(1),
  ward_count: z.coerce.number().int().min(1), child_population: num
});

/** DfE LA number ↔ ONS local authority district code, to read ONS and MHCLG tables (keyed by LAD code). */
export const LadCode = z.object({la_code: code, lad_code: z.string().regex(/^E0[6-9]\d{6}$/, "expected an ONS LAD code such as E06000032"), name: z.string().min(1)});

/**
 * A known problem in a source figure (data-quality-notes.json): returned beside every figure built
 * from it. `period` is a financial year (2012/13) or one of its quarters (2012/13 Q4).
 */
export const QualityNote = z.object({
  extract: z.string().min(1),
  la_code: code.default("821"),
  period: z.string().regex(/^\d{4}\/\d{2}( Q[1-4])?$/, "expected a financial year such as 2012/13 or a quarter such as 2012/13 Q4"),
  area: z.string().min(1),
  finding: z.string().min(1)
});

/** The dates a financial year or quarter label covers. */
export function periodDates(label: string): {start: string; end: string} {
  const period = readPeriod(/Q[1-4]$/.test(label) ? "quarter" : "financial-year", label);
  if (!period) throw new Error(`not a financial year or quarter: "${label}" (expected e.g. 2012/13 or 2012/13 Q1)`);
  return {start: period.start, end: period.end};
}

export type Ward = z.infer<typeof Ward>;
export type Provider = z.infer<typeof Provider>;

export class ReferenceDataError extends Error {}

function rows<T extends z.ZodType>(dir: string, file: string, schema: T): z.infer<T>[] {
  const path = join(dir, file);
  const records: Record<string, string>[] = parse(readFileSync(path), {columns: true, bom: true, skip_empty_lines: true, trim: true});
  return records.map((r, i) => {
    const result = schema.safeParse(r);
    if (!result.success) {
      const issue = firstIssue(result.error, {top: "?"});
      throw new ReferenceDataError(`${file} row ${i + 1}, field ${issue.field}: ${issue.message}`);
    }
    return result.data;
  });
}

function json<T extends z.ZodType>(dir: string, file: string, schema: T): z.infer<T> {
  const result = schema.safeParse(JSON.parse(readFileSync(join(dir, file), "utf8")));
  if (!result.success) {
    const issue = firstIssue(result.error);
    throw new ReferenceDataError(`${file}, field ${issue.field}: ${issue.message}`);
  }
  return result.data;
}

export interface ReferenceData {
  areas: z.infer<typeof Area>[];
  wards: Ward[];
  population: z.infer<typeof PopulationRow>[];
  deprivation: z.infer<typeof DeprivationRow>[];
  benchmarks: z.infer<typeof BenchmarkRow>[];
  targetWards: z.infer<typeof TargetWardSet>;
  providers: Provider[];
  authorities: z.infer<typeof Authority>[];
  ladCodes: z.infer<typeof LadCode>[];
  qualityNotes: z.infer<typeof QualityNote>[];
}

export function loadReference(dir = "data/reference"): ReferenceData {
  const ref: ReferenceData = {
    areas: rows(dir, "areas.csv", Area),
    wards: rows(dir, "wards.csv", Ward),
    population: rows(dir, "population.csv", PopulationRow),
    deprivation: rows(dir, "deprivation.csv", DeprivationRow),
    benchmarks: rows(dir, "benchmarks.csv", BenchmarkRow),
    targetWards: json(dir, "target-wards.json", TargetWardSet),
    providers: json(dir, "providers.json", z.object({providers: z.array(Provider)})).providers,
    authorities: rows(dir, "authorities.csv", Authority),
    ladCodes: existsSync(join(dir, "lad-codes.csv")) ? rows(dir, "lad-codes.csv", LadCode) : [],
    qualityNotes: existsSync(join(dir, "data-quality-notes.json")) ? json(dir, "data-quality-notes.json", z.array(QualityNote)) : []
  };
  // Cross-file rules: every ward belongs to a known area and every target ward exists.
  const areaIds = new Set(ref.areas.map((a) => `${a.la_code}/${a.area_id}`));
  for (const w of ref.wards) {
    if (!areaIds.has(`${w.la_code}/${w.area_id}`)) throw new ReferenceDataError(`wards.csv: ward ${w.ward_id} is in unknown area ${w.area_id}`);
  }
  const wardIds = new Set(ref.wards.map((w) => `${w.la_code}/${w.ward_id}`));
  for (const t of ref.targetWards.wards) {
    if (!wardIds.has(`${ref.targetWards.la_code}/${t}`)) throw new ReferenceDataError(`target-wards.json: '${t}' is not a ward of ${ref.targetWards.la_code}`);
  }
  for (const p of ref.population) {
    if (!wardIds.has(`${p.la_code}/${p.ward_id}`)) throw new ReferenceDataError(`population.csv: unknown ward ${p.la_code}/${p.ward_id}`);
  }
  return ref;
}
