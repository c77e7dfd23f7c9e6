/** Looked-after episodes: entrants per year as published, the stock tuned to the published counts. */
import {fyEnd, fyStart, weekday, type Day} from "../calendar.js";
import {ETHNICITIES, type Ethnicity} from "../codes.js";
import {DATA_END, ageAt, eighteenthBirthday, isOpenOn, type CareEpisode, type Child, type ChildRegistry, type Plan} from "../model.js";
import {AGE_MIX, drawAge, newChild, type WardPicker} from "../people.js";
import {apportion, apportionCapped, imposeMix} from "../quotas.js";
import type {Rng} from "../rng.js";
import {DaySampler} from "../seasonality.js";
import {tuneStock, type StockTarget} from "../stock.js";
import {careEthnicityByGroup} from "./published-tables.js";
import * as T from "./targets.js";

/** Police protection and emergencies happen at weekends too, just less often. */
const careDayWeight = (day: Day) => (weekday(day) === 0 || weekday(day) === 6 ? 0.25 : 1);

export function careDuration(rng: Rng, age: number, longStay = 0.3): number {
  const u = rng.next();
  const short = (1 - longStay) / 2;
  if (u < short) return Math.max(3, Math.round(rng.logNormal(60, 0.8)));
  if (u < 2 * short) return Math.round(365 * rng.logNormal(1.1, 0.5));
  return age <= 1 ? Math.round(365 * rng.logNormal(1.6, 0.35)) : Math.round(365 * rng.logNormal(4, 0.6));
}

export function legalStatus(rng: Rng, age: number): string {
  if (age >= 16) return rng.choose({V2: 0.6, C2: 0.15, J1: 0.1, L1: 0.07, C1: 0.08});
  if (age >= 12) return rng.choose({V2: 0.45, C1: 0.25, C2: 0.12, L1: 0.1, J1: 0.03, E1: 0.05});
  return rng.choose({C1: 0.4, V2: 0.28, C2: 0.15, L1: 0.1, E1: 0.07});
}

export function placement(rng: Rng, age: number): string {
  if (age < 5) return rng.choose({U1: 0.08, U2: 0.05, U3: 0.3, U4: 0.07, U5: 0.25, U6: 0.12, P1: 0.06, Z1: 0.04, K2: 0.03});
  if (age < 16) return rng.choose({U1: 0.06, U2: 0.04, U3: 0.26, U4: 0.05, U5: 0.2, U6: 0.09, R1: 0.06, K2: 0.12, P1: 0.05, Z1: 0.03, H5: 0.04});
  return rng.choose({U3: 0.2, U5: 0.15, U6: 0.05, R1: 0.08, K2: 0.12, H5: 0.3, P1: 0.04, Z1: 0.06});
}

export function reasonCeased(rng: Rng, episode: {start: Day; end: Day | null}, child: Child): string | null {
  if (episode.end === null) return null;
  if (episode.end >= eighteenthBirthday(child) - 1) return "E8";
  const age = ageAt(child, episode.start);
  const years = (episode.end - episode.start) / 365;
  if (age <= 4 && years > 1) return rng.choose({E11: 0.3, E12: 0.2, E45: 0.18, E41: 0.1, E13: 0.17, E8: 0.05});
  if (years < 0.5) return rng.choose({E13: 0.6, E8: 0.25, E41: 0.1, E45: 0.05});
  return rng.choose({E13: 0.45, E41: 0.15, E45: 0.15, E8: 0.2, E11: 0.05});
}

/** Luton's entrants split by target wards with the Early Help effect applied. */
export function lutonStarts(fy: number): {target: number; rest: number} {
  const [target, rest] = apportion(T.CARE_STARTS[fy], [T.CARE_TARGET_WARD_SHARE, 1 - T.CARE_TARGET_WARD_SHARE]);
  return {target: Math.round(target * T.earlyHelpEffect(fy)), rest};
}

export function generateCare(rng: Rng, registry: ChildRegistry, picker: WardPicker, plans: Plan[]): CareEpisode[] {
  const episodes: CareEpisode[] = [];
  // One care episode per child: a child with two plans is still taken into care only once.
  const linked = new Set<Child>();
  const ended = plans.filter((p) => p.end !== null && p.child).sort((a, b) => a.end! - b.end!);
  const startsRng = rng.fork("starts");
  for (let fy = 1998; fy <= 2015; fy++) {
    const days = new DaySampler(fyStart(fy), fyEnd(fy), careDayWeight);
    const counts = fy < 2008 ? {target: Math.round(140 * 0.45), rest: 140 - Math.round(140 * 0.45)} : lutonStarts(fy);
    const made: CareEpisode[] = [];
    for (const [count, inTarget] of [[counts.target, true], [counts.rest, false]] as const) {
      for (let i = 0; i < count; i++) {
        const start = days.draw(startsRng.next());
        let child: Child | null = null;
        let fromPlan: Plan | null = null;
        if (fy >= 2008 && startsRng.chance(T.CARE_FROM_PLAN)) {
          fromPlan =
            ended.find(
              (p) =>
                !linked.has(p.child!) &&
                p.ward.target === inTarget &&
                p.end! <= start &&
                p.end! >= start - 75 &&
                ageAt(p.child!, start) <= 16 &&
                ageAt(p.child!, start) >= 0 &&
                p.child!.spells.every((s) => s.end !== null && s.end <= start)
            ) ?? null;
          if (fromPlan) {
            linked.add(fromPlan.child!);
            child = fromPlan.child!;
          }
        }
        if (!child) child = newChild(registry, startsRng, picker.pickInGroup(startsRng, fy, inTarget), drawAge(startsRng, AGE_MIX.care), start);
        const age = Math.max(0, ageAt(child, start));
        const latest = eighteenthBirthday(child) - 1;
        const end = Math.min(start + careDuration(startsRng, age), latest);
        made.push({start, end: end > DATA_END ? null : end, child, legalStatus: legalStatus(startsRng, age), placement: placement(startsRng, age), reasonCeased: null, fromPlan});
      }
    }
    episodes.push(...made);
  }
  const settled = settleCareEpisodes(rng, episodes, T.CARE_STOCK);
  const onPlanEarly2014 = new Set(plans.filter((p) => p.child && isOpenOn(p, T.CP_SNAPSHOT_EARLY_2014)).map((p) => p.child!));
  imposeCareEthnicity(rng.fork("ethnicity"), settled, onPlanEarly2014);
  return settled;
}

/**
 * Children starting care in 2012/13 and children in care at 31 March 2013 carry the Early Help
 * Strategy's ethnicity tables exactly (starters Asian 20, Mixed 31, ...; in care Asian 55, Mixed
 * 56, ...): without this, ward mixes put Asian children first among entrants, the reverse of the
 * published story. The two tables share children (most 2012/13 starters were still in care at 31
 * March), so the children fall in three parts: starters who had left, starters still in care, and
 * earlier entrants still in care. Each part gets its own quota; the shared part takes the starters'
 * mix, capped by the in-care counts, and the other two parts take what each table has left.
 * Children on a plan at 31 January 2014 are pinned: the CP ethnicity table is already fixed on them.
 */
export function imposeCareEthnicity(rng: Rng, episodes: readonly CareEpisode[], pinned: ReadonlySet<Child>): void {
  const fy = 2012;
  const startedInYear = new Set(episodes.filter((e) => e.start >= fyStart(fy) && e.start <= fyEnd(fy)).map((e) => e.child));
  const inCare = new Set(episodes.filter((e) => isOpenOn(e, T.CARE_SNAPSHOT_MARCH_2013)).map((e) => e.child));
  const leftCare = [...startedInYear].filter((c) => !inCare.has(c));
  const stayed = [...startedInYear].filter((c) => inCare.has(c));
  const earlier = [...inCare].filter((c) => !startedInYear.has(c));

  const starters = ETHNICITIES.map((e) => careEthnicityByGroup("starters")[e]);
  const stock = ETHNICITIES.map((e) => careEthnicityByGroup("inCare")[e]);
  const shared = apportionCapped(stayed.length, starters, starters.map((n, i) => Math.min(n, stock[i])));
  const parts: [Child[], number[]][] = [
    [stayed, shared],
    [leftCare, apportion(leftCare.length, starters.map((n, i) => n - shared[i]))],
    [earlier, apportion(earlier.length, stock.map((n, i) => n - shared[i]))]
  ];
  for (const [children, counts] of parts) {
    imposeMix(
      rng,
      children.map((c) => ({get: () => c.ethnicity, set: (k: Ethnicity) => (c.ethnicity = k), pinned: pinned.has(c)})),
      Object.fromEntries(ETHNICITIES.map((e, i) => [e, counts[i]])) as Record<Ethnicity, number>
    );
  }
}

/**
 * The last steps every authority's care episodes share: hit the published stocks (no episode runs past
 * the 18th birthday), drop the history nobody extracts, give each ended episode its reason and attach
 * it to the child.
 */
export function settleCareEpisodes(rng: Rng, episodes: CareEpisode[], stock: readonly StockTarget[]): CareEpisode[] {
  episodes.sort((a, b) => a.start - b.start);
  tuneStock(rng.fork("stock"), episodes, stock, (e) => eighteenthBirthday(e.child) - 1);
  // Episodes that ended before the window opened are history nobody extracts.
  episodes.splice(0, episodes.length, ...episodes.filter((e) => e.end === null || e.end > fyStart(2008)));
  const reasons = rng.fork("reasons");
  for (const e of episodes) {
    e.reasonCeased = reasonCeased(reasons, e, e.child);
    e.child.spells.push(e);
    e.child.uses++;
  }
  return episodes;
}

