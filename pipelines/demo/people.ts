/**
 * Who children are and where they live: ward choice weighted by child population and
 * deprivation, ethnicity by ward, and the age mixes of each kind of contact.
 */
import type {Day} from "./calendar.js";
import type {Ethnicity} from "./codes.js";
import {wardChildren, type Ward} from "./geography.js";
import {birthMonthForAge, drawSex, type Child, type ChildRegistry} from "./model.js";
import type {Rng} from "./rng.js";

/** Share of each ward's children who are of Asian heritage (Luton; illustrative, from the 2011 census picture). */
const ASIAN_SHARE: Record<string, number> = {
  biscot: 0.7, dallow: 0.68, saints: 0.55, challney: 0.5, "high-town": 0.35, south: 0.3, leagrave: 0.25,
  farley: 0.2, northwell: 0.2, limbury: 0.2, "round-green": 0.18, lewsey: 0.15, crawley: 0.15,
  "sundon-park": 0.12, barnfield: 0.1, wigmore: 0.08, stopsley: 0.08, icknield: 0.06, bramingham: 0.07
};

const mixes = new WeakMap<Ward, Record<Ethnicity, number>>();

export function ethnicityMix(ward: Ward): Record<Ethnicity, number> {
  let mix = mixes.get(ward);
  if (!mix) mixes.set(ward, (mix = wardEthnicityMix(ward)));
  return mix;
}

function wardEthnicityMix(ward: Ward): Record<Ethnicity, number> {
  if (ward.laCode !== "821") {
    const diverse = ward.idaci > 0.3;
    return diverse
      ? {Asian: 0.16, Black: 0.12, Mixed: 0.08, Other: 0.04, White: 0.58, Missing: 0.02}
      : {Asian: 0.07, Black: 0.04, Mixed: 0.05, Other: 0.02, White: 0.8, Missing: 0.02};
  }
  const asian = ASIAN_SHARE[ward.id] ?? 0.25;
  const black = ward.target ? 0.13 : 0.09;
  const mixed = 0.055;
  const other = 0.025;
  const missing = 0.015;
  return {Asian: asian, Black: black, Mixed: mixed, Other: other, White: Math.max(0.05, 1 - asian - black - mixed - other - missing), Missing: missing};
}

/** Ages (−1 = unborn) with relative weights, per kind of contact. */
export type AgeMix = readonly (readonly [number, number])[];

function spread(lo: number, hi: number, total: number): [number, number][] {
  return Array.from({length: hi - lo + 1}, (_, i) => [lo + i, total / (hi - lo + 1)] as [number, number]);
}

export const AGE_MIX = {
  referral: [[-1, 2], [0, 9], ...spread(1, 4, 24), ...spread(5, 9, 25), ...spread(10, 15, 32), ...spread(16, 17, 8)] as AgeMix,
  domesticViolence: [[-1, 3], [0, 12], ...spread(1, 4, 30), ...spread(5, 9, 27), ...spread(10, 15, 24), ...spread(16, 17, 4)] as AgeMix,
  homeless: [[14, 3], [15, 7], [16, 50], [17, 40]] as AgeMix,
  plan: [[-1, 4], [0, 15], ...spread(1, 4, 29), ...spread(5, 9, 26), ...spread(10, 15, 23), ...spread(16, 17, 3)] as AgeMix,
  care: [[0, 19], ...spread(1, 4, 19), ...spread(5, 9, 17), ...spread(10, 15, 34), ...spread(16, 17, 11)] as AgeMix,
  caf: [[0, 4], ...spread(1, 4, 16), ...spread(5, 9, 30), ...spread(10, 15, 40), ...spread(16, 17, 10)] as AgeMix
};

export function drawAge(rng: Rng, mix: AgeMix): number {
  return mix[rng.weighted(mix.map((m) => m[1]))][0];
}

/** Wards weighted by children in the age range and by deprivation (need follows poverty). */
export class WardPicker {
  private readonly cache = new Map<string, number[]>();
  constructor(
    readonly wards: readonly Ward[],
    private readonly deprivationPower = 1
  ) {}

  weights(fy: number, lo = 0, hi = 17, boost?: (ward: Ward) => number, tilt = 1): number[] {
    const key = `${fy}/${lo}/${hi}/${tilt}`;
    let base = this.cache.get(key);
    if (!base) {
      base = this.wards.map((w) => wardChildren(w, fy, lo, hi) * Math.pow(w.idaci / 0.25, this.deprivationPower * tilt));
      this.cache.set(key, base);
    }
    return boost ? base.map((b, i) => b * boost(this.wards[i])) : base;
  }

  pick(rng: Rng, fy: number, opts: {lo?: number; hi?: number; boost?: (ward: Ward) => number; tilt?: number} = {}): Ward {
    return this.wards[rng.weighted(this.weights(fy, opts.lo, opts.hi, opts.boost, opts.tilt))];
  }

  /**
   * A ward inside the target set (or outside it). The published share of cases from the target
   * wards already carries most of the deprivation gradient, so inside each group deprivation tilts
   * the choice half as steeply; at full tilt the most deprived wards outside the set (held to the
   * remaining share) would out-rank the target wards, which no published figure suggests.
   */
  pickInGroup(rng: Rng, fy: number, target: boolean): Ward {
    return this.pick(rng, fy, {boost: (w) => (w.target === target ? 1 : 0), tilt: 0.5});
  }
}

export function newChild(registry: ChildRegistry, rng: Rng, ward: Ward, age: number, day: Day): Child {
  const mix = ethnicityMix(ward);
  const ethnicity = rng.choose(mix);
  return registry.create(ward, birthMonthForAge(rng, age, day), drawSex(rng, age < 0), ethnicity);
}

