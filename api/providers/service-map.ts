import type {Queryable} from "../oba/query.js";
import type {Period} from "../oba/periods.js";
import {roundedCount} from "../oba/policy.js";
import type {Withheld} from "../oba/publish.js";
import {funnelSignificance, type FunnelSignificance} from "../stats/funnel.js";
import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import type {ServiceMapConfig} from "./catalogue.js";
import type {Access} from "./disclosure.js";
import {AGE_GROUPS, ageGroup, type AgeGroup, type EpisodeRow, type ProviderInfo} from "./episodes.js";

/**
 * The service map against need (Luton's Best Value Review asked for exactly this): commissioned
 * provision by ward × level of need (1–4) × age group, beside need in the same cells.
 *
 * - Need: early help (CAF) assessments completed in the period, at their recorded level of need,
 *   plus referrals to children's social care received in the period, at the level their outcome
 *   implies (configuration: performance-measures.json serviceMap.referralLevel).
 * - Provision: service episodes that started in the period (the family's level of need at referral
 *   and age at referral), and the programmes commissioned for the cell's level and age group.
 * - Gap: need of at least `minNeed` where provision is significantly below what the borough's own
 *   provision per unit of need, for the same level and age group, would give there (observed vs
 *   expected episodes, exact Poisson ratio funnel at 95%); or need with no programme commissioned
 *   for that level and age group at all.
 *
 * For an audience whose policy rounds counts (`roundTo`), every need and provision count shown is
 * rounded — each cell, each ward's total, each borough level × age group and the grand total its own
 * count rounded (as in ONS tables) — and provision per unit of need, expected provision, ratios,
 * significance and gap flags are computed from the rounded counts. Which counts are hidden is still
 * decided on the true counts.
 */

export const LEVELS = [1, 2, 3, 4] as const;
const GROUPS: AgeGroup[] = [...AGE_GROUPS.map((g) => g.id), "unknown"];
const RANGES: Record<string, [number, number]> = {"under 1": [-1, 0], "1-4": [1, 4], "5-9": [5, 9], "10-15": [10, 15], "16+": [16, 25]};

export interface NeedRow {
  ward: string | null;
  age: number | null;
  level: number;
  source: "caf" | "referral";
  n: number;
}

export interface WardRow {
  ward_id: string;
  name: string;
  area_id: string | null;
}

/** Need counts by ward, age and level for the period: CAFs plus referrals mapped to a level. */
export async function loadNeed(db: Queryable, laCode: string, p: Period, config: ServiceMapConfig): Promise<{rows: NeedRow[]; unmappedReferrals: number}> {
  const mapping = Object.entries(config.referralLevel);
  const params: (string | number)[] = [laCode, p.start, p.end];
  const values = mapping.map(([outcome, level]) => `($${params.push(outcome)}, $${params.push(level)}::INTEGER)`).join(", ");
  const age = (date: string) => `floor(date_diff('month', strptime(x.birth_month || '-01', '%Y-%m-%d')::DATE, ${date}) / 12)::INTEGER`;
  const rows = await db.query<NeedRow>(`
    WITH m(outcome, level) AS (VALUES ${values || "(NULL, NULL)"})
    SELECT ward, age, level, source, count(*)::INTEGER AS n FROM (
      SELECT x.ward, ${age("x.completed_date")} AS age, x.level_of_need::INTEGER AS level, 'caf' AS source
      FROM early_help x WHERE x.la_code = $1 AND x.completed_date BETWEEN $2::DATE AND $3::DATE
      UNION ALL
      SELECT x.ward, ${age("x.referral_date")} AS age, m.level AS level, 'referral' AS source
      FROM referrals x JOIN m ON m.outcome = x.outcome WHERE x.la_code = $1 AND x.referral_date BETWEEN $2::DATE AND $3::DATE
    ) GROUP BY ALL`, params);
  const outcomes: string[] = [laCode, p.start, p.end];
  const [u] = await db.query<{n: number}>(`
    SELECT count(*)::INTEGER AS n FROM referrals x WHERE x.la_code = $1 AND x.referral_date BETWEEN $2::DATE AND $3::DATE
      AND (x.outcome IS NULL OR x.outcome NOT IN (${mapping.map(([o]) => `$${outcomes.push(o)}`).join(", ") || "NULL"}))`, outcomes);
  return {rows, unmappedReferrals: u?.n ?? 0};
}

export async function loadWards(db: Queryable, laCode: string): Promise<WardRow[]> {
  return db.query<WardRow>(`SELECT ward_id, name, area_id FROM ref_wards WHERE la_code = $1 ORDER BY name`, [laCode]);
}

/** Programmes commissioned for a level of need and age group (from the provider catalogue). */
export function programmesFor(providers: readonly ProviderInfo[], level: number, group: AgeGroup): string[] {
  const range = RANGES[group];
  const out = new Set<string>();
  for (const p of providers) {
    for (const g of p.programmes) {
      if (!g.levelOfNeed.includes(level)) continue;
      const m = /^(\d+)-(\d+)$/.exec(g.ageBand.trim());
      const [lo, hi] = m ? [+m[1], +m[2]] : [-1, 99];
      // A programme for 0-2s also takes unborn children (Family Nurse Partnership starts in pregnancy).
      if (range && !(Math.max(lo === 0 ? -1 : lo, range[0]) <= Math.min(hi, range[1]))) continue;
      out.add(g.programmeId);
    }
  }
  return [...out].sort();
}

export interface ServiceMapInput {
  period: Period;
  wards: readonly WardRow[];
  need: readonly NeedRow[];
  unmappedReferrals: number;
  episodes: readonly EpisodeRow[];
  providers: readonly ProviderInfo[];
  config: ServiceMapConfig;
  access: Access;
}

/** The map, published for the access: need and provision counts are disclosure-controlled together with their ward and borough totals. */
export function buildServiceMap(input: ServiceMapInput) {
  const {period, wards, need, episodes, providers, config, access} = input;
  const shown = (n: number) => roundedCount(n, access.roundTo);
  const known = new Set(wards.map((w) => w.ward_id));
  const wardOf = (w: string | null) => (w !== null && known.has(w) ? w : "unknown");
  const wardList = [...wards.map((w) => ({id: w.ward_id, name: w.name, area: w.area_id})), {id: "unknown", name: "Ward not recorded or not a ward of the authority", area: null}];
  const key = (w: string, level: number, g: string) => `${w}|${level}|${g}`;
  const needBy = new Map<string, number>();
  const bySource = {caf: 0, referral: 0};
  for (const r of need) {
    const k = key(wardOf(r.ward), r.level, ageGroup(r.age));
    needBy.set(k, (needBy.get(k) ?? 0) + r.n);
    bySource[r.source] += r.n;
  }
  const ownOnly = access.mode === "own-provider";
  const provBy = new Map<string, number>();
  for (const e of episodes) {
    if (e.startDate === null || e.startDate < period.start || e.startDate > period.end) continue;
    if (ownOnly && e.providerId !== access.providerId) continue;
    const k = key(wardOf(e.ward), e.levelOfNeed, e.ageGroup);
    provBy.set(k, (provBy.get(k) ?? 0) + 1);
  }
  // Borough provision per unit of need for each level × age group: what each ward is judged against.
  const borough = LEVELS.flatMap((level) => GROUPS.map((g) => {
    let n = 0;
    let p = 0;
    for (const w of wardList) {
      n += needBy.get(key(w.id, level, g)) ?? 0;
      p += provBy.get(key(w.id, level, g)) ?? 0;
    }
    n = shown(n);
    p = shown(p);
    return {level, ageGroup: g, need: n, provision: p, perNeed: n > 0 ? p / n : null, programmes: g === "unknown" ? [] : programmesFor(providers, level, g)};
  }));
  const boroughOf = (level: number, g: string) => borough.find((b) => b.level === level && b.ageGroup === g)!;

  const cells = wardList.flatMap((w) => LEVELS.flatMap((level) => GROUPS.map((g) => {
    const k = key(w.id, level, g);
    const n = shown(needBy.get(k) ?? 0);
    const p = shown(provBy.get(k) ?? 0);
    const b = boroughOf(level, g);
    const expected = b.perNeed !== null ? n * b.perNeed : 0;
    let significance: FunnelSignificance | null = null;
    if (expected > 0) significance = funnelSignificance({statistic: "ratio", rows: [{observed: p, expected}]})[0];
    let flag: "gap" | "no-commissioned-programme" | null = null;
    if (n >= config.minNeed && w.id !== "unknown" && g !== "unknown") {
      if (!b.programmes.length) flag = "no-commissioned-programme";
      else if (significance !== null && significance.startsWith("Low")) flag = "gap";
    }
    return {ward: w.id, level, ageGroup: g, need: n, provision: p, expected, significance, flag, programmes: b.programmes};
  })));

  // Disclosure: each measure's cells with ward totals, borough level × age totals and the grand total.
  const protect = (which: "need" | "provision", full: boolean) => {
    const count = (w: string, level: number, g: string) => (which === "need" ? needBy : provBy).get(key(w, level, g)) ?? 0;
    const table: CountCell[] = [];
    const groups: ConstraintGroup[] = [];
    for (const w of wardList) {
      for (const level of LEVELS) for (const g of GROUPS) table.push({id: key(w.id, level, g), count: count(w.id, level, g)});
      table.push({id: `${w.id}|total`, count: LEVELS.reduce((s, l) => s + GROUPS.reduce((t, g) => t + count(w.id, l, g), 0), 0)});
      groups.push({parts: LEVELS.flatMap((l) => GROUPS.map((g) => key(w.id, l, g))), total: `${w.id}|total`});
    }
    for (const level of LEVELS) {
      for (const g of GROUPS) {
        table.push({id: `all|${level}|${g}`, count: wardList.reduce((s, w) => s + count(w.id, level, g), 0)});
        groups.push({parts: wardList.map((w) => key(w.id, level, g)), total: `all|${level}|${g}`});
      }
    }
    table.push({id: "all|total", count: table.filter((c) => c.id.startsWith("all|")).reduce((s, c) => s + (c.count ?? 0), 0)});
    groups.push({parts: wardList.map((w) => `${w.id}|total`), total: "all|total"});
    groups.push({parts: LEVELS.flatMap((l) => GROUPS.map((g) => `all|${l}|${g}`)), total: "all|total"});
    const counts = new Map(table.map((c) => [c.id, c.count as number]));
    if (full) return {get: (id: string): number | Withheld => shown(counts.get(id)!), unprotected: [] as string[]};
    const result = suppress({cells: table, groups}, {primaryMax: access.primaryMax});
    const out = new Map(result.cells.map((c) => [c.id, typeof c.published === "number" ? shown(c.published) : c.published as Withheld]));
    return {get: (id: string): number | Withheld => out.get(id)!, unprotected: result.unprotected};
  };
  const needPub = protect("need", access.mode === "full");
  const provPub = protect("provision", access.mode !== "suppressed");

  const publishedCell = (c: (typeof cells)[number]) => {
    const id = key(c.ward, c.level, c.ageGroup);
    const provision = provPub.get(id);
    const hidden = provision === "c";
    return {
      level: c.level, ageGroup: c.ageGroup, need: needPub.get(id), provision,
      expectedProvision: c.expected > 0 ? c.expected : null,
      ratio: hidden || c.expected <= 0 ? (hidden ? "c" : null) : c.provision / c.expected,
      significance: c.significance, flag: c.flag, programmes: c.programmes
    };
  };
  const out = wardList.map((w) => ({
    ward: w.id, name: w.name, area: w.area,
    need: needPub.get(`${w.id}|total`), provision: provPub.get(`${w.id}|total`),
    cells: cells.filter((c) => c.ward === w.id).map(publishedCell)
  }));
  const gaps = cells.filter((c) => c.flag !== null).sort((a, b) => b.need - a.need).map((c) => ({ward: c.ward, ...publishedCell(c)}));
  return {
    period: {label: period.label, start: period.start, end: period.end},
    access: access.label,
    provisionShown: ownOnly ? `only ${access.providerId ?? "no provider"}'s own episodes (a provider does not see other providers' provision)` : "episodes of every provider",
    method: {
      need: `early help (CAF) assessments completed in the period at their recorded level of need, plus referrals to children's social care received in the period at the level their outcome implies (${Object.entries(config.referralLevel).map(([o, l]) => `${o} → ${l}`).join(", ")})`,
      provision: "service episodes that started in the period, at the level of need and age at referral; programmes listed are those commissioned for the level and age group (providers.json)",
      gap: `need of at least ${config.minNeed} and provision significantly below the borough's provision per unit of need for the same level and age group (observed vs expected episodes, exact Poisson, 95%), or no programme commissioned for that level and age group`,
      ageGroups: "age in whole years at the assessment, referral or service referral; unborn children count as under 1"
    },
    levels: LEVELS, ageGroups: GROUPS,
    borough: borough.map((b) => ({
      level: b.level, ageGroup: b.ageGroup, need: needPub.get(`all|${b.level}|${b.ageGroup}`), provision: provPub.get(`all|${b.level}|${b.ageGroup}`),
      provisionPerNeed: needPub.get(`all|${b.level}|${b.ageGroup}`) === "c" || provPub.get(`all|${b.level}|${b.ageGroup}`) === "c" ? "c" : b.perNeed,
      programmes: b.programmes
    })),
    totals: {need: needPub.get("all|total"), provision: provPub.get("all|total")},
    // The two sources add up to the published total: one small source would give away the other.
    needBySource: access.mode === "full" || [bySource.caf, bySource.referral].every((n) => n === 0 || n > access.primaryMax) ? {caf: shown(bySource.caf), referral: shown(bySource.referral)} : {caf: "c", referral: "c"},
    wards: out,
    gaps,
    notes: [
      ...(input.unmappedReferrals ? [`${input.unmappedReferrals <= access.primaryMax && access.mode !== "full" ? "A few" : shown(input.unmappedReferrals)} referral(s) had an outcome with no level in serviceMap.referralLevel and are not counted as need.`] : []),
      ...(needPub.unprotected.length || provPub.unprotected.length ? ["Secondary suppression could not protect every small count: check before publishing."] : []),
      "Gaps are judged against the borough's own provision for the same level and age group, so a level or age group the borough barely provides for anywhere shows in the borough table, not as ward gaps."
    ]
  };
}
