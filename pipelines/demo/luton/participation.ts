/**
 * Young people of academic age 16–18 in each November snapshot and what they were doing. The
 * same young people recur in three snapshots; November 2013 reproduces the Early Help
 * Strategy's NEET counts by sex and by ethnicity.
 */
import {ageOn, dayOf, monthIndex, type Day, type MonthIndex} from "../calendar.js";
import {ETHNICITIES, type Ethnicity, type Sex} from "../codes.js";
import {wardChildren, type Ward} from "../geography.js";
import type {CareEpisode, Child} from "../model.js";
import {ethnicityMix} from "../people.js";
import {apportion, fitTable} from "../quotas.js";
import type {Rng} from "../rng.js";
import * as T from "./targets.js";

export interface YoungPerson {
  serial: number;
  /** Set when the young person is also a child in the social-care extracts (same key). */
  child: Child | null;
  birthMonth: MonthIndex;
  sex: Sex;
  ethnicity: Ethnicity;
  ward: Ward;
  propensity: number;
  key?: string;
}

export interface Snapshot {
  person: YoungPerson;
  date: Day;
  activity: "EET" | "NEET" | "unknown";
}

const SEXES: Sex[] = ["male", "female", "unknown"];
/** November 2013 as published, with cohort sizes chosen so every printed rate rounds to the print. */
const NOV_2013 = {
  cohortBySex: [3835, 3509, 20],
  neetBySex: [223, 179, 3],
  cohortByEthnicity: [2466, 835, 440, 93, 3145, 385],
  neetByEthnicity: [97, 27, 35, 3, 209, 34]
};
const RELATIVE_RATE = {sex: {male: 1.06, female: 0.93, unknown: 2.7}, ethnicity: {Asian: 0.71, Black: 0.58, Mixed: 1.44, Other: 0.58, White: 1.2, Missing: 1.6}};
/** "The Farley, South and Lewsey districts have higher percentages of young people who are NEET". */
const HIGH_NEET_WARDS = new Set(["farley", "south", "lewsey"]);
const SNAPSHOT_YEARS = [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015];

/** Cohort = young people born September `c` to August `c + 1`; academic age in year y is y − c − 1. */
function cohortsIn(year: number): number[] {
  return [year - 19, year - 18, year - 17];
}

function cohortSize(wards: readonly Ward[], c: number): number {
  return wards.reduce((s, w) => s + wardChildren(w, c + 17, 16, 16), 0);
}

export function generateParticipation(rng: Rng, wards: readonly Ward[], care: CareEpisode[]): Snapshot[] {
  const people: YoungPerson[] = [];
  const byCohort = new Map<number, YoungPerson[]>();
  const weightCache = new Map<string, number[]>();
  const wardWeights = (c: number, e: Ethnicity) => {
    const k = `${c}/${e}`;
    let w = weightCache.get(k);
    if (!w) weightCache.set(k, (w = wards.map((ward) => wardChildren(ward, c + 17, 16, 16) * ethnicityMix(ward)[e])));
    return w;
  };
  const make = (c: number, sex: Sex, ethnicity: Ethnicity): YoungPerson => {
    const ward = wards[rng.weighted(wardWeights(c, ethnicity))];
    const p: YoungPerson = {
      serial: people.length + 1,
      child: null,
      birthMonth: monthIndex(c, 9) + rng.int(12),
      sex,
      ethnicity,
      ward,
      propensity: rng.logNormal(1, 0.55) * RELATIVE_RATE.sex[sex] * RELATIVE_RATE.ethnicity[ethnicity] * (HIGH_NEET_WARDS.has(ward.id) ? 1.35 : 1)
    };
    people.push(p);
    return p;
  };

  // The three cohorts of November 2013 carry the published sex × ethnicity table between them.
  const table = fitTable(
    SEXES.map((s) => ETHNICITIES.map((e) => (s === "unknown" ? (e === "Missing" ? 10 : 1) : 1))),
    NOV_2013.cohortBySex,
    NOV_2013.cohortByEthnicity
  );
  const nov2013 = cohortsIn(2013);
  SEXES.forEach((sex, i) =>
    ETHNICITIES.forEach((ethnicity, j) => {
      const split = apportion(table[i][j], nov2013.map((c) => cohortSize(wards, c)));
      nov2013.forEach((c, k) => {
        if (!byCohort.has(c)) byCohort.set(c, []);
        for (let n = 0; n < split[k]; n++) byCohort.get(c)!.push(make(c, sex, ethnicity));
      });
    })
  );
  const general = {Asian: 0.335, Black: 0.113, Mixed: 0.06, Other: 0.013, White: 0.427, Missing: 0.052};
  for (let c = 1989; c <= 1998; c++) {
    if (byCohort.has(c)) continue;
    const list: YoungPerson[] = [];
    const n = Math.round(cohortSize(wards, c) * 0.985);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      list.push(make(c, u < 0.5215 ? "male" : u < 0.9973 ? "female" : "unknown", rng.choose(general)));
    }
    byCohort.set(c, list);
  }

  // Care leavers are among these young people: give their cohort slot their own key.
  const linked = new Set<Child>();
  for (const e of care) {
    const child = e.child;
    if (linked.has(child)) continue;
    const c = Math.floor((child.birthMonth - 8) / 12);
    const slot = byCohort.get(c)?.find((p) => !p.child && p.sex === child.sex && p.ethnicity === child.ethnicity && p.ward.id === child.ward.id);
    if (!slot) continue;
    linked.add(child);
    slot.child = child;
    slot.birthMonth = child.birthMonth;
    slot.propensity *= 3;
  }

  const snapshots: Snapshot[] = [];
  for (const year of SNAPSHOT_YEARS) {
    const date = dayOf(year, 11, 30);
    const cohort = cohortsIn(year).flatMap((c) => byCohort.get(c) ?? []);
    const neet = new Set<YoungPerson>();
    if (year === 2013) {
      const neetTable = fitTable(
        SEXES.map((s, i) => ETHNICITIES.map((e, j) => table[i][j] * RELATIVE_RATE.sex[s] * RELATIVE_RATE.ethnicity[e])),
        NOV_2013.neetBySex,
        NOV_2013.neetByEthnicity
      );
      SEXES.forEach((s, i) =>
        ETHNICITIES.forEach((e, j) => {
          const cell = cohort.filter((p) => p.sex === s && p.ethnicity === e);
          for (const p of rng.weightedSample(cell, (q) => q.propensity, neetTable[i][j])) neet.add(p);
        })
      );
    } else {
      for (const p of rng.weightedSample(cohort, (q) => q.propensity, Math.round(T.NEET_RATE[year] * cohort.length))) neet.add(p);
    }
    const rest = cohort.filter((p) => !neet.has(p));
    const unknown = new Set(rng.weightedSample(rest, () => 1, Math.round(T.NEET_UNKNOWN_RATE[year] * cohort.length)));
    for (const p of cohort) snapshots.push({person: p, date, activity: neet.has(p) ? "NEET" : unknown.has(p) ? "unknown" : "EET"});
  }
  return snapshots;
}

export function academicAge(birthMonth: MonthIndex, snapshotYear: number): number {
  return ageOn(birthMonth, dayOf(snapshotYear, 8, 31));
}
