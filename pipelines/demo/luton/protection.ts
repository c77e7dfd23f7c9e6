/**
 * Child protection plans, built first because their published stocks and mixes are the
 * tightest constraints; referrals, assessments and enquiries are later built backwards from
 * each plan so every plan has the journey that led to it.
 */
import {ageOn, fyEnd, fyStart, monthOfDay} from "../calendar.js";
import {DOMESTIC_ABUSE_FACTORS, ETHNICITIES, type CinFactor, type CpCategory, type Ethnicity} from "../codes.js";
import {DATA_END, DEMO_YEARS, isOpenOn, type ChildRegistry, type Plan} from "../model.js";
import {AGE_MIX, drawAge, newChild, type WardPicker} from "../people.js";
import {apportion, imposeMix} from "../quotas.js";
import type {Rng} from "../rng.js";
import {DaySampler, officeDayWeight} from "../seasonality.js";
import {tuneStock} from "../stock.js";
import * as T from "./targets.js";

const CATEGORY_MIX: Record<CpCategory, number> = {NEG: 0.42, EMO: 0.36, MUL: 0.16, PHY: 0.035, SAB: 0.025};
const PRE_WINDOW_YEARS = [2005, 2006, 2007];

function planDuration(rng: Rng): number {
  return Math.max(21, Math.round(365 * rng.logNormal(0.62, 0.75)));
}

function startsFor(fy: number): {target: number; rest: number} {
  const base = fy < 2008 ? 215 : T.CP_PLAN_STARTS[fy];
  const [target, rest] = apportion(base, [T.CP_TARGET_WARD_SHARE, 1 - T.CP_TARGET_WARD_SHARE]);
  return {target: Math.round(target * T.earlyHelpEffect(fy)), rest};
}

function makePlans(rng: Rng, picker: WardPicker): Plan[] {
  const plans: Plan[] = [];
  for (const fy of [...PRE_WINDOW_YEARS, ...DEMO_YEARS]) {
    const days = new DaySampler(fyStart(fy), fyEnd(fy), officeDayWeight);
    const {target, rest} = startsFor(fy);
    const made: Plan[] = [];
    for (const [count, inTarget] of [[target, true], [rest, false]] as const) {
      for (let i = 0; i < count; i++) {
        const start = days.draw(rng.next());
        const end = start + planDuration(rng);
        made.push({
          start,
          end: end > DATA_END ? null : end,
          child: null,
          ward: picker.pickInGroup(rng, fy, inTarget),
          category: rng.choose(CATEGORY_MIX),
          repeat: false,
          sequence: 1,
          domesticAbuse: rng.chance(0.38),
          factors: []
        });
      }
    }
    const share = fy < 2008 ? 0.11 : T.CP_REPEAT[fy];
    for (const p of rng.shuffle([...made]).slice(0, Math.round(share * made.length))) p.repeat = true;
    plans.push(...made);
  }
  return plans.sort((a, b) => a.start - b.start);
}

/** Swap first/repeat flags between plans starting in the same year, so each year's share holds. */
function fixFirstTimeAtQ4(rng: Rng, plans: Plan[]): void {
  const day = T.CP_SNAPSHOT_Q4_2013;
  const open = plans.filter((p) => isOpenOn(p, day));
  const wantRepeats = open.length - T.CP_Q4_2013_FIRST_TIME;
  let repeats = open.filter((p) => p.repeat).length;
  const fyOfStart = (p: Plan) => (p.start >= fyStart(2012) ? 2012 : p.start >= fyStart(2011) ? 2011 : p.start >= fyStart(2010) ? 2010 : 0);
  for (const p of rng.shuffle([...open])) {
    if (repeats === wantRepeats) break;
    const makeRepeat = repeats < wantRepeats;
    if (p.repeat === makeRepeat) continue;
    const partner = plans.find((q) => q.repeat === makeRepeat && !isOpenOn(q, day) && fyOfStart(q) === fyOfStart(p) && fyOfStart(q) > 0);
    if (!partner) continue;
    partner.repeat = !makeRepeat;
    p.repeat = makeRepeat;
    repeats += makeRepeat ? 1 : -1;
  }
}

function planFactors(rng: Rng, plan: Plan): CinFactor[] {
  const f = new Set<CinFactor>();
  if (plan.domesticAbuse) f.add(rng.chance(0.8) ? "3B" : rng.pick(DOMESTIC_ABUSE_FACTORS));
  if (plan.domesticAbuse && rng.chance(0.15)) f.add("3A");
  if (rng.chance(plan.domesticAbuse ? 0.42 : 0.3)) f.add("4B");
  if (rng.chance(0.16)) f.add("1B");
  if (rng.chance(0.2)) f.add("2B");
  if (rng.chance(0.07)) f.add("5B");
  if (plan.category === "SAB" && rng.chance(0.5)) f.add("11A");
  if (rng.chance(0.04)) f.add("6A");
  if (f.size === 0) f.add("21");
  return [...f].sort((a, b) => parseFloat(a) - parseFloat(b) || a.localeCompare(b));
}

function assignChildren(rng: Rng, registry: ChildRegistry, plans: Plan[]): void {
  const previous = new Map<string, Plan[]>();
  for (const plan of plans) {
    const wardPlans = previous.get(plan.ward.id) ?? [];
    if (plan.repeat) {
      const candidates = wardPlans.filter(
        (q) =>
          q.end !== null &&
          q.end <= plan.start - 60 &&
          q.child!.spells.every((s) => s.end !== null && s.end <= plan.start - 60) &&
          ageOn(q.child!.birthMonth, plan.end ?? DATA_END) < 18
      );
      if (candidates.length) {
        const child = rng.pick(candidates).child!;
        plan.child = child;
        plan.sequence = child.spells.length + 1;
      }
    }
    if (!plan.child) {
      // The child must still be under 18 when the plan ends (born up to 12·age + 11 months before it starts).
      const monthsToRun = monthOfDay(plan.end ?? DATA_END) - monthOfDay(plan.start);
      const tooOld = (age: number) => 12 * Math.max(age, 0) + 11 + monthsToRun >= 216;
      let age = drawAge(rng, AGE_MIX.plan);
      for (let tries = 0; tries < 20 && tooOld(age); tries++) age = drawAge(rng, AGE_MIX.plan);
      if (tooOld(age)) age = 0;
      plan.child = newChild(registry, rng, plan.ward, age, plan.start);
      // A repeat plan without an earlier plan in the window had its first plan before 2008 or elsewhere.
      plan.sequence = plan.repeat ? 2 : 1;
    }
    plan.child.spells.push(plan);
    plan.child.uses++;
    wardPlans.push(plan);
    previous.set(plan.ward.id, wardPlans);
  }
}

/** Under-1s were the largest age group at Q4 2012/13 (29 of 194): set the babies' birth months. */
function fixUnderOnes(rng: Rng, plans: Plan[]): void {
  const day = T.CP_SNAPSHOT_Q4_2013;
  const open = plans.filter((p) => isOpenOn(p, day));
  const first = monthOfDay(day) - 11;
  const last = monthOfDay(day);
  const isBaby = (p: Plan) => ageOn(p.child!.birthMonth, day) === 0;
  let babies = open.filter(isBaby).length;
  const onlyPlan = (p: Plan) => p.child!.spells.length === 1;
  for (const p of rng.shuffle(open.filter((q) => !isBaby(q) && onlyPlan(q) && q.start >= fyStart(2012) + 30))) {
    if (babies >= T.CP_Q4_2013_UNDER_ONE) break;
    const lo = Math.max(first, monthOfDay(p.start) - 11);
    const hi = Math.min(last, monthOfDay(p.start) + 2);
    if (lo > hi) continue;
    p.child!.birthMonth = rng.range(lo, hi);
    if (p.child!.birthMonth > monthOfDay(p.start)) p.child!.sex = rng.chance(0.5) ? "unknown" : p.child!.sex;
    babies++;
  }
  for (const p of rng.shuffle(open.filter((q) => isBaby(q) && onlyPlan(q)))) {
    if (babies <= T.CP_Q4_2013_UNDER_ONE) break;
    p.child!.birthMonth = Math.min(monthOfDay(p.start) - 1, first - 1) - rng.range(1, 23);
    babies--;
  }
}

export function generatePlans(rng: Rng, registry: ChildRegistry, picker: WardPicker): Plan[] {
  const plans = makePlans(rng.fork("starts"), picker);
  tuneStock(rng.fork("stock"), plans, T.CP_STOCK);
  // Each group is pinned at March 2014 as it stands, so tuning later years leaves earlier ends alone.
  const march2014 = T.CP_SNAPSHOT_MARCH_2014;
  for (const group of ["target", "rest"] as const) {
    const members = plans.filter((p) => p.ward.target === (group === "target"));
    const pinned = {day: march2014, count: members.filter((p) => isOpenOn(p, march2014)).length};
    tuneStock(rng.fork(`stock-${group}`), members, [pinned, ...T.CP_STOCK_AFTER_2014[group]]);
  }
  // Plans that had ended before the window opened are history nobody extracts.
  plans.splice(0, plans.length, ...plans.filter((p) => p.end === null || p.end > fyStart(2008)));
  fixFirstTimeAtQ4(rng.fork("first-time"), plans);

  const early2014 = plans.filter((p) => isOpenOn(p, T.CP_SNAPSHOT_EARLY_2014));
  imposeMix(
    rng.fork("category"),
    early2014.map((p) => ({get: () => p.category, set: (k: CpCategory) => (p.category = k)})),
    T.CP_EARLY_2014_CATEGORY
  );
  const openMarch2014 = plans.filter((p) => isOpenOn(p, T.CP_SNAPSHOT_MARCH_2014));
  imposeMix(
    rng.fork("domestic-abuse"),
    openMarch2014.map((p) => ({get: () => (p.domesticAbuse ? "yes" : "no"), set: (k: "yes" | "no") => (p.domesticAbuse = k === "yes")})),
    {yes: T.CP_MARCH_2014_DOMESTIC_ABUSE, no: openMarch2014.length - T.CP_MARCH_2014_DOMESTIC_ABUSE}
  );

  assignChildren(rng.fork("children"), registry, plans);
  fixUnderOnes(rng.fork("under-ones"), plans);
  imposeMix(
    rng.fork("ethnicity"),
    early2014.map((p) => ({get: () => p.child!.ethnicity, set: (k: Ethnicity) => (p.child!.ethnicity = k)})),
    Object.fromEntries(ETHNICITIES.map((e) => [e, T.CP_EARLY_2014_ETHNICITY[e]])) as Record<Ethnicity, number>
  );
  const factorRng = rng.fork("factors");
  for (const p of plans) p.factors = planFactors(factorRng, p);
  return plans;
}

