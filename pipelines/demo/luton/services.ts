/**
 * Commissioned and in-house service episodes. Each programme has its own case mix and its
 * chance of a reliable improvement depends on the family's level of need, hardly on the
 * provider: so the in-house Triple P team, which takes the harder cases, looks worse on the raw
 * "% better off" and the same once need is allowed for. That is the comparison the platform's
 * case-mix adjustment exists to make fair.
 */
import {fyEnd, fyStart, firstDayOfMonth, type Day} from "../calendar.js";
import type {ProviderSpec} from "../reference/providers.js";
import {DATA_END, ageAt, isOpenOn, type Caf, type Child, type ChildRegistry, type PendingContact, type Plan, type Referral, type ServiceEpisode} from "../model.js";
import {newChild, type WardPicker} from "../people.js";
import type {Rng} from "../rng.js";
import {DaySampler, officeDayWeight} from "../seasonality.js";
import * as T from "./targets.js";

interface Behaviour {
  provider: string;
  programme: string;
  from: number;
  weight: number;
  levels: Record<number, number>;
  ages: readonly number[];
  days: number;
  scale: [number, number];
  pre: Record<number, number>;
  /** Chance of a reliable improvement beside the level-of-need baseline (small on purpose). */
  edge: number;
}

const range = (lo: number, hi: number) => Array.from({length: hi - lo + 1}, (_, i) => lo + i);

export const BEHAVIOUR: Behaviour[] = [
  {provider: "fnp-luton", programme: "family-nurse-partnership", from: 2010, weight: 0.1, levels: {2: 0.55, 3: 0.45}, ages: [-1, -1, -1, 0], days: 760, scale: [0, 100], pre: {2: 60, 3: 53}, edge: 0.02},
  {provider: "parenting-works", programme: "triple-p", from: 2008, weight: 0.2, levels: {2: 0.7, 3: 0.3}, ages: range(2, 12), days: 75, scale: [14, 70], pre: {2: 45, 3: 41, 4: 37}, edge: 0.01},
  {provider: "lbc-family-support", programme: "triple-p", from: 2008, weight: 0.14, levels: {2: 0.15, 3: 0.5, 4: 0.35}, ages: range(3, 15), days: 80, scale: [14, 70], pre: {2: 45, 3: 41, 4: 37}, edge: -0.01},
  {provider: "lbc-stronger-families", programme: "stronger-families-key-work", from: 2012, weight: 0.14, levels: {3: 0.6, 4: 0.4}, ages: range(5, 16), days: 240, scale: [10, 100], pre: {3: 46, 4: 39}, edge: 0},
  {provider: "home-start-luton", programme: "home-start-visiting", from: 2008, weight: 0.16, levels: {2: 0.75, 3: 0.25}, ages: [-1, ...range(0, 4)], days: 180, scale: [0, 100], pre: {2: 58, 3: 52}, edge: 0.03},
  {provider: "beds-dapp", programme: "dapp", from: 2011, weight: 0.07, levels: {3: 0.5, 4: 0.5}, ages: range(0, 15), days: 182, scale: [0, 60], pre: {3: 28, 4: 24}, edge: -0.04},
  {provider: "yp-substance-misuse", programme: "yp-substance-misuse", from: 2008, weight: 0.12, levels: {2: 0.45, 3: 0.4, 4: 0.15}, ages: range(11, 17), days: 120, scale: [0, 40], pre: {2: 24, 3: 20, 4: 16}, edge: 0},
  {provider: "lbc-fgc", programme: "family-group-conference", from: 2008, weight: 0.07, levels: {3: 0.45, 4: 0.55}, ages: range(0, 16), days: 60, scale: [0, 50], pre: {3: 25, 4: 21}, edge: 0.01}
];

const IMPROVEMENT_BY_NEED: Record<number, number> = {1: 0.8, 2: 0.72, 3: 0.58, 4: 0.42};

function endReason(rng: Rng, level: number): string {
  return level >= 4
    ? rng.choose({completed: 0.58, disengaged: 0.16, moved_away: 0.03, stepped_up: 0.12, stepped_down: 0.03, declined: 0.08})
    : rng.choose({completed: 0.71, disengaged: 0.12, moved_away: 0.03, stepped_up: 0.04, stepped_down: 0.04, declined: 0.06});
}

function scores(rng: Rng, b: Behaviour, level: number, reliableChange: number): {pre: number; post: number} {
  const clamp = (x: number) => Math.max(b.scale[0], Math.min(b.scale[1], Math.round(x)));
  const pre = clamp(rng.normal(b.pre[level] ?? b.pre[3], (b.scale[1] - b.scale[0]) * 0.09));
  const improved = rng.chance(IMPROVEMENT_BY_NEED[level] + b.edge);
  let post = improved ? pre + reliableChange + Math.abs(rng.normal(0, reliableChange * 0.8)) : pre + rng.normal(0, reliableChange * 0.45);
  if (!improved && post - pre >= reliableChange) post = pre + reliableChange - 1;
  post = clamp(post);
  if (improved && post - pre < reliableChange) return {pre: clamp(post - reliableChange), post};
  return {pre, post};
}

export function generateServiceEpisodes(
  rng: Rng,
  registry: ChildRegistry,
  picker: WardPicker,
  providers: ProviderSpec[],
  cafs: Caf[],
  pending: PendingContact[]
): ServiceEpisode[] {
  const programmes = new Map(providers.flatMap((p) => p.programmes.map((g) => [`${p.provider_id}/${g.programme_id}`, g] as const)));
  const episodes: ServiceEpisode[] = [];
  for (let fy = 2008; fy <= 2015; fy++) {
    const active = BEHAVIOUR.filter((b) => b.from <= fy);
    const days = new DaySampler(fyStart(fy), fyEnd(fy), officeDayWeight);
    const recentCafs = cafs.filter((c) => c.completed >= fyStart(fy) - 150 && c.completed <= fyEnd(fy) && c.levelOfNeed <= 3);
    for (let i = 0; i < T.SERVICE_EPISODES[fy]; i++) {
      const b = active[rng.weighted(active.map((x) => x.weight))];
      const programme = programmes.get(`${b.provider}/${b.programme}`);
      if (!programme) throw new Error(`providers.json has no ${b.provider}/${b.programme}`);
      const referralDate = days.draw(rng.next());
      const level = Number(rng.choose(b.levels as Record<string, number>));
      const age = rng.pick(b.ages);
      let child: Child | null = null;
      if (level <= 3 && age >= 0 && rng.chance(0.35)) {
        const caf = recentCafs.find((c) => c.completed < referralDate && c.completed >= referralDate - 150 && ageAt(c.child, referralDate) === age && c.child.uses === 1);
        if (caf) child = caf.child;
      }
      child ??= newChild(registry, rng, picker.pick(rng, fy, {boost: (w) => (w.target && fy >= 2014 ? 1.8 : 1)}), age, referralDate);
      child.uses++;
      const reason = endReason(rng, level);
      let start: Day | null = null;
      let end: Day | null;
      let planned = b.days;
      if (b.programme === "family-nurse-partnership") planned = Math.max(120, firstDayOfMonth(child.birthMonth + 24) - referralDate);
      if (reason === "declined") end = referralDate + rng.range(5, 30);
      else {
        start = referralDate + rng.range(5, 45);
        const length = Math.round(planned * (reason === "completed" ? rng.uniform(0.85, 1.2) : rng.uniform(0.15, 0.8)));
        end = start + length;
      }
      const open = start !== null && end > DATA_END;
      if (start !== null && start > DATA_END) continue;
      const {pre, post} = scores(rng, b, level, programme.reliable_change);
      const fraction = reason === "completed" || open ? 1 : reason === "declined" ? 0 : Math.min(1, (end - (start ?? end)) / planned);
      episodes.push({
        child,
        providerId: b.provider,
        programmeId: b.programme,
        referralDate,
        start,
        end: open ? null : end,
        endReason: open ? null : reason,
        levelOfNeed: level,
        outcomePre: start === null ? null : pre,
        outcomePost: !open && reason === "completed" ? post : null,
        unitCost: Math.round(programme.unit_cost * fraction * 100) / 100
      });
      if (!open && (reason === "stepped_up" || rng.chance(0.08))) {
        const soon = reason === "stepped_up";
        pending.push({child, from: end + (soon ? 3 : 30), until: end + (soon ? 90 : 365), via: "service", used: false});
      }
    }
  }
  return episodes.sort((a, b) => a.referralDate - b.referralDate);
}

/**
 * High-need episodes usually serve families already known to social care: give some of them to
 * children on a plan at the time (or referred and sent to early help), when the ages fit.
 */
export function linkServiceUsers(rng: Rng, episodes: ServiceEpisode[], plans: Plan[], referrals: Referral[]): void {
  const byProgramme = new Map(BEHAVIOUR.map((b) => [`${b.provider}/${b.programme}`, b]));
  const taken = new Set<Child>();
  const sentToEarlyHelp = referrals.filter((r) => r.outcome === "early_help" || r.outcome === "signposted");
  for (const e of episodes) {
    if (e.child.uses !== 1) continue;
    const b = byProgramme.get(`${e.providerId}/${e.programmeId}`)!;
    const age = ageAt(e.child, e.referralDate);
    const fits = (c: Child) => !taken.has(c) && ageAt(c, e.referralDate) === age && (e.end === null || ageAt(c, e.end) <= 17);
    let match: Child | undefined;
    if (e.levelOfNeed === 4 && b.programme !== "family-nurse-partnership" && rng.chance(0.6)) {
      match = plans.find((p) => p.child && isOpenOn(p, e.referralDate) && p.start < e.referralDate - 14 && fits(p.child))?.child ?? undefined;
    } else if (e.levelOfNeed <= 3 && rng.chance(0.3)) {
      match = sentToEarlyHelp.find((r) => r.date < e.referralDate && r.date >= e.referralDate - 120 && fits(r.child))?.child;
    }
    if (!match) continue;
    taken.add(match);
    e.child.uses--;
    e.child = match;
    match.uses++;
  }
}

