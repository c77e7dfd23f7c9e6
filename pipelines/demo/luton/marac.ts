/**
 * MARAC cases. 2012/13 is the LSCB's meeting-by-meeting table, case for case; other years use
 * monthly meetings (three-weekly from 2013/14, as the report says they became) and the same
 * agency mix with the police share drifting down as other agencies were trained to refer.
 */
import {addWorkingDays, dayOf, fyEnd, fyStart, isoDay, weekday, type Day} from "../calendar.js";
import {MARAC_AGENCIES, type MaracAgency} from "../codes.js";
import {multinomial} from "../quotas.js";
import type {Rng} from "../rng.js";
import * as T from "./targets.js";

export interface MaracMeeting {
  meeting: string;
  cases: number;
  repeat_cases: number;
  children_in_household: number;
  referring_agency: Record<string, number>;
}

export interface MaracCase {
  meeting: string;
  meetingDate: Day;
  agency: MaracAgency;
  repeat: boolean;
  children: number;
}

/** "07&21/08/12" → 7 August 2012 (the first sitting); "03/04/2012" → 3 April 2012. */
export function firstSitting(label: string): Day {
  const m = /^(\d{1,2})(?:&\d{1,2})?\/(\d{1,2})\/(\d{2,4})$/.exec(label.trim());
  if (!m) throw new Error(`unrecognised MARAC meeting label "${label}"`);
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  return dayOf(year, Number(m[2]), Number(m[1]));
}

const CHILDREN_MIX = {0: 0.3, 1: 0.25, 2: 0.22, 3: 0.13, 4: 0.06, 5: 0.03, 6: 0.01};

/** Integers from the usual mix, nudged until they sum to the published total. */
function childrenPerCase(rng: Rng, cases: number, total: number): number[] {
  const out = Array.from({length: cases}, () => Number(rng.choose(CHILDREN_MIX)));
  let sum = out.reduce((a, b) => a + b, 0);
  while (sum !== total) {
    const i = rng.int(cases);
    if (sum < total && out[i] < 7) {
      out[i]++;
      sum++;
    } else if (sum > total && out[i] > 0) {
      out[i]--;
      sum--;
    }
  }
  return out;
}

function casesFromTable(rng: Rng, meetings: MaracMeeting[]): MaracCase[] {
  const out: MaracCase[] = [];
  for (const m of meetings) {
    const agencies: MaracAgency[] = [];
    for (const a of MARAC_AGENCIES) for (let i = 0; i < (m.referring_agency[a] ?? 0); i++) agencies.push(a);
    if (agencies.length !== m.cases) throw new Error(`MARAC ${m.meeting}: agencies sum to ${agencies.length}, cases ${m.cases}`);
    rng.shuffle(agencies);
    const repeats = rng.shuffle(agencies.map((_, i) => i < m.repeat_cases));
    const children = childrenPerCase(rng, m.cases, m.children_in_household);
    const meetingDate = firstSitting(m.meeting);
    agencies.forEach((agency, i) => out.push({meeting: m.meeting, meetingDate, agency, repeat: repeats[i], children: children[i]}));
  }
  return out;
}

const label = (day: Day) => {
  const iso = isoDay(day);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};

function meetingDays(fy: number): Day[] {
  const days: Day[] = [];
  if (fy < 2013) {
    for (let m = 0; m < 12; m++) {
      const year = m < 9 ? fy : fy + 1;
      const month = ((m + 3) % 12) + 1;
      let d = dayOf(year, month, 1);
      while (weekday(d) !== 2) d++;
      days.push(addWorkingDays(d, 0));
    }
  } else {
    let d = fyStart(fy);
    while (weekday(d) !== 2) d++;
    for (; d <= fyEnd(fy); d += 21) days.push(addWorkingDays(d, 0));
  }
  return days;
}

function agencyWeights(table: MaracMeeting, fy: number): number[] {
  // The 2012/13 mix, with the police share higher before non-police agencies were trained.
  const policeShare = Math.max(0.48, Math.min(0.72, 0.53 + (2012 - fy) * 0.045));
  const nonPolice = MARAC_AGENCIES.filter((a) => a !== "Police").reduce((s, a) => s + table.referring_agency[a], 0);
  return MARAC_AGENCIES.map((a) => (a === "Police" ? policeShare : ((1 - policeShare) * table.referring_agency[a]) / nonPolice));
}

export function generateMarac(rng: Rng, meetings: MaracMeeting[], total: MaracMeeting): MaracCase[] {
  const out: MaracCase[] = [];
  for (let fy = 2008; fy <= 2015; fy++) {
    if (fy === 2012) {
      out.push(...casesFromTable(rng, meetings));
      continue;
    }
    const days = meetingDays(fy);
    const perMeeting = multinomial(rng, T.MARAC_CASES[fy], days.map(() => 1));
    const weights = agencyWeights(total, fy);
    days.forEach((day, i) => {
      const n = perMeeting[i];
      const agencies = multinomial(rng, n, weights).flatMap((k, a) => Array<MaracAgency>(k).fill(MARAC_AGENCIES[a]));
      rng.shuffle(agencies);
      for (const agency of agencies) out.push({meeting: label(day), meetingDate: day, agency, repeat: rng.chance(0.29), children: Number(rng.choose(CHILDREN_MIX))});
    });
  }
  return out;
}

