/** Demo scale: Luton (every extract) and Leeds (looked after and referrals), 2008/09–2015/16. */
import {rmSync} from "node:fs";
import {isoMonth} from "./calendar.js";
import {sexCode} from "./codes.js";
import {childCells, iso, writeExtract, type ExtractSpec, type WrittenFile} from "./demo-writer.js";
import type {ProgressEvent} from "./generate.js";
import {wardsOf, type ReferenceData} from "./geography.js";
import type {ChildKeyer} from "./keys.js";
import {generateLeedsCare, generateLeedsReferrals} from "./leeds.js";
import {generateLuton, LUTON, type LutonWorld} from "./luton/index.js";
import {ChildRegistry, type CareEpisode, type Referral} from "./model.js";
import {WardPicker} from "./people.js";
import type {Rng} from "./rng.js";
import {writeStatutoryFiles, type StatutoryFile} from "./statutory/index.js";
import {careLeavers, healthChecks, missingEpisodes, planReviews} from "./care-outcomes.js";
import {buildCinEpisodes, type CinEpisode} from "./statutory/cin-episodes.js";
import {needCodeFor} from "./statutory/codes.js";
import type {AuthorityRecords} from "./statutory/authority.js";
import {WINDOW_START, type Plan} from "./model.js";

export const LEEDS = "383";

function referralSpec(keyer: ChildKeyer, la: string, referrals: readonly Referral[], ids: Map<Referral, string>): ExtractSpec<Referral> {
  return {
    type: "referrals",
    records: referrals,
    day: (r) => r.date,
    row: (r, id, fy) => {
      ids.set(r, id);
      const c = childCells(keyer, la, r.child);
      return [id, c.key, la, c.birthMonth, c.sex(fy), c.ethnicity, c.ward, iso(r.date), r.source, r.concern, r.outcome];
    }
  };
}

function careSpec(keyer: ChildKeyer, la: string, care: readonly CareEpisode[]): ExtractSpec<CareEpisode> {
  return {
    type: "looked_after",
    records: care,
    day: (e) => e.start,
    row: (e, id, fy) => {
      const c = childCells(keyer, la, e.child);
      return [id, c.key, la, c.birthMonth, c.sex(fy), c.ethnicity, c.ward, iso(e.start), iso(e.end), e.legalStatus, e.placement, e.reasonCeased];
    }
  };
}

const yn = (b: boolean | null) => (b === null ? null : b ? "Y" : "N");

/**
 * What the CIN census's episodes and the SSDA903's Missing, OC2 and OC3 tables hold, in Curve's layout:
 * the same records the statutory files are written from (care-outcomes.ts, cin-episodes.ts).
 */
function outcomeSpecs(keyer: ChildKeyer, la: string, a: Pick<AuthorityRecords, "referrals" | "assessments" | "enquiries" | "plans" | "care">, years: readonly number[]): ExtractSpec<never>[] {
  const specs = [
    {
      type: "cin_episodes",
      records: buildCinEpisodes({laCode: la, name: la, idPrefix: "", wards: [], ...a}),
      day: (e) => e.referralDate,
      row: (e, id, fy) => {
        const c = childCells(keyer, la, e.child);
        return [id, c.key, la, c.birthMonth, c.sex(fy), c.ethnicity, c.ward, iso(e.referralDate), iso(e.closure), needCodeFor(e.concern, e.child.serial + e.referralDate),
          e.closure === null ? null : e.reason, e.nfa ? "Y" : "N"];
      }
    } satisfies ExtractSpec<CinEpisode>,
    {
      type: "cla_missing",
      records: missingEpisodes(a.care),
      day: (m) => m.start,
      row: (m, id) => {
        const c = childCells(keyer, la, m.child);
        return [id, c.key, la, c.birthMonth, m.kind, iso(m.start), iso(m.end)];
      }
    } satisfies ExtractSpec<ReturnType<typeof missingEpisodes>[number]>,
    {
      type: "cla_health",
      records: healthChecks(a.care, years),
      day: (h) => h.yearEnd,
      row: (h) => {
        const c = childCells(keyer, la, h.child);
        return [c.key, la, c.birthMonth, iso(h.yearEnd), yn(h.health), yn(h.teeth), yn(h.immunisations), yn(h.development), h.sdq, yn(h.convicted), yn(h.substanceMisuse)];
      }
    } satisfies ExtractSpec<ReturnType<typeof healthChecks>[number]>,
    {
      type: "care_leavers",
      records: careLeavers(a.care, years),
      day: (l) => l.yearEnd,
      row: (l) => {
        const c = childCells(keyer, la, l.child);
        return [c.key, la, c.birthMonth, iso(l.yearEnd), l.inTouch, l.activity, l.accommodation];
      }
    } satisfies ExtractSpec<ReturnType<typeof careLeavers>[number]>
  ];
  return specs as unknown as ExtractSpec<never>[];
}

/** CP reviews in Curve's layout, joined to the plans by the ids their extract gave them. */
function reviewSpec(keyer: ChildKeyer, la: string, plans: readonly Plan[], planIds: Map<Plan, string>): ExtractSpec<never> {
  // A review before the first year extracted belongs to no file (as a plan's history before it does).
  const reviews = plans.filter((p) => p.child).flatMap((p) => planReviews(p).filter((day) => day >= WINDOW_START).map((day) => ({p, day})));
  return {
    type: "cp_reviews",
    records: reviews,
    day: (r) => r.day,
    row: (r, id) => [id, planIds.get(r.p) ?? null, childCells(keyer, la, r.p.child!).key, la, iso(r.day)]
  } satisfies ExtractSpec<(typeof reviews)[number]> as unknown as ExtractSpec<never>;
}

function lutonSpecs(keyer: ChildKeyer, w: LutonWorld, years: readonly number[]): ExtractSpec<never>[] {
  const la = LUTON;
  const referralIds = new Map<Referral, string>();
  const planIds = new Map<Plan, string>();
  const specs = [
    referralSpec(keyer, la, w.referrals, referralIds),
    {
      type: "assessments",
      records: w.assessments,
      day: (a) => a.start,
      row: (a, id) => {
        const c = childCells(keyer, la, a.referral.child);
        return [id, referralIds.get(a.referral) ?? null, c.key, la, c.ward, a.type, iso(a.start), iso(a.completion), a.factors.join(";")];
      }
    } satisfies ExtractSpec<LutonWorld["assessments"][number]>,
    {
      type: "s47",
      records: w.enquiries,
      day: (e) => e.start,
      row: (e, id) => {
        const c = childCells(keyer, la, e.child);
        return [id, c.key, la, c.ward, iso(e.start), iso(e.icpc), e.outcome];
      }
    } satisfies ExtractSpec<LutonWorld["enquiries"][number]>,
    {
      type: "cp_plans",
      records: w.plans,
      day: (p) => p.start,
      row: (p, id, fy) => {
        planIds.set(p, id);
        const c = childCells(keyer, la, p.child!);
        return [id, c.key, la, c.birthMonth, c.sex(fy), c.ethnicity, c.ward, iso(p.start), iso(p.end), p.category, p.sequence, p.factors.join(";")];
      }
    } satisfies ExtractSpec<LutonWorld["plans"][number]>,
    careSpec(keyer, la, w.care),
    {
      type: "early_help",
      records: w.cafs,
      day: (x) => x.completed,
      row: (x, id) => {
        const c = childCells(keyer, la, x.child);
        return [id, c.key, la, c.birthMonth, c.ward, x.area, iso(x.completed), x.leadAgency, x.levelOfNeed, x.step, x.outcome];
      }
    } satisfies ExtractSpec<LutonWorld["cafs"][number]>,
    {
      type: "service_episodes",
      records: w.services,
      day: (e) => e.referralDate,
      row: (e, id) => {
        const c = childCells(keyer, la, e.child);
        return [id, c.key, la, c.birthMonth, c.ward, e.providerId, e.programmeId, iso(e.referralDate), iso(e.start), iso(e.end), e.endReason, e.levelOfNeed, e.outcomePre, e.outcomePost, e.unitCost];
      }
    } satisfies ExtractSpec<LutonWorld["services"][number]>,
    {
      type: "marac",
      records: w.marac,
      day: (m) => m.meetingDate,
      row: (m, id) => [id, la, m.meeting, iso(m.meetingDate), m.agency, m.repeat ? "Y" : "N", m.children]
    } satisfies ExtractSpec<LutonWorld["marac"][number]>,
    {
      type: "participation",
      records: w.participation,
      day: (s) => s.date,
      row: (s, _id, fy) => {
        const p = s.person;
        const key = p.child ? (p.child.key ??= keyer.uniqueKey(la, `c${p.child.serial}`)) : (p.key ??= keyer.uniqueKey(la, `y${p.serial}`));
        return [key, la, isoMonth(p.birthMonth), sexCode(p.sex, fy), p.ethnicity, p.ward.id, iso(s.date), s.activity];
      }
    } satisfies ExtractSpec<LutonWorld["participation"][number]>,
    // After cp_plans, whose rows record the ids the reviews join to.
    reviewSpec(keyer, la, w.plans, planIds),
    ...outcomeSpecs(keyer, la, w, years)
  ];
  return specs as unknown as ExtractSpec<never>[];
}

export interface DemoScaleOptions {
  /** Also write the statutory files (SSDA903, CIN census, SSD address, postcode lookup); needs the seed. */
  statutory?: {seed: number};
}

export function generateDemoScale(
  rng: Rng,
  ref: ReferenceData,
  keyer: ChildKeyer,
  years: readonly number[],
  outDir: string,
  onProgress: (e: ProgressEvent) => void,
  options: DemoScaleOptions = {}
): {files: WrittenFile[]; statutory: StatutoryFile[]} {
  const written: WrittenFile[] = [];
  const emit = (la: string, all: WrittenFile[]) => {
    // A year with no care leavers aged 19-21 (the demo's first) has no OC3 file: an empty one would be refused as replacing a year with nothing.
    const files = all.filter((f) => f.rows > 0 || f.type !== "care_leavers");
    for (const f of all) if (!files.includes(f)) rmSync(f.path);
    if (!files.length) return;
    written.push(...files);
    onProgress({laCode: la, type: files[0].type, files: files.length, rows: files.reduce((s, f) => s + f.rows, 0)});
  };
  const luton = generateLuton(rng.fork("luton"), ref);
  for (const spec of lutonSpecs(keyer, luton, years)) emit(LUTON, writeExtract(spec, LUTON, years, outDir));

  const leedsRng = rng.fork("leeds");
  const registry = new ChildRegistry();
  const picker = new WardPicker(wardsOf(ref, LEEDS), 1.3);
  const care = generateLeedsCare(leedsRng.fork("looked-after"), registry, picker);
  const referrals = generateLeedsReferrals(leedsRng, registry, picker, care);
  emit(LEEDS, writeExtract(referralSpec(keyer, LEEDS, referrals, new Map()), LEEDS, years, outDir));
  emit(LEEDS, writeExtract(careSpec(keyer, LEEDS, care), LEEDS, years, outDir));
  for (const spec of outcomeSpecs(keyer, LEEDS, {referrals, assessments: [], enquiries: [], plans: [], care}, years)) emit(LEEDS, writeExtract(spec, LEEDS, years, outDir));

  const statutory = options.statutory
    ? writeStatutoryFiles(
        [
          {laCode: LUTON, name: "Luton", idPrefix: "LUT", wards: wardsOf(ref, LUTON), ...luton},
          {laCode: LEEDS, name: "Leeds", idPrefix: "LDS", wards: wardsOf(ref, LEEDS), referrals, assessments: [], enquiries: [], plans: [], care}
        ],
        years,
        outDir,
        options.statutory.seed
      )
    : [];
  return {files: written, statutory};
}

