/**
 * CAFs (early help assessments). 2011/12–2012/13 reproduce the LSCB's area × quarter table
 * exactly, and its lead-agency table (Table 2) exactly in 2011/12 and as near as the area totals
 * allow in 2012/13 (the two tables do not reconcile there); other years are shaped around it, rising from 2014/15 as the strategy concentrates
 * early help in the target wards.
 */
import {DATA_END, ageAt, type Caf, type ChildRegistry, type PendingContact} from "../model.js";
import {quarterEnd, quarterStart, type Day} from "../calendar.js";
import type {LeadAgency} from "../codes.js";
import type {Ward} from "../geography.js";
import {AGE_MIX, drawAge, newChild, type WardPicker} from "../people.js";
import {apportion, shuffledQuota} from "../quotas.js";
import type {Rng} from "../rng.js";
import {DaySampler, officeDayWeight} from "../seasonality.js";
import * as T from "./targets.js";

export interface CafTables {
  /** areas[area name] = counts for 2011/12 Q1 … 2012/13 Q4 (null = blank in the source). */
  areas: Record<string, (number | null)[]>;
  agencies: Record<string, (number | null)[]>;
}

const OTHER_YEAR_AGENCIES: Record<string, Partial<Record<LeadAgency, number>>> = {
  early: {Schools: 0.55, Health: 0.15, LBC: 0.26, Other: 0.04},
  late: {Schools: 0.34, Health: 0.14, RAT: 0.16, LBC: 0.16, YOS: 0.1, GCP: 0.05, Other: 0.05}
};

function agencyMix(fy: number): Record<LeadAgency, number> {
  return (fy < 2011 ? OTHER_YEAR_AGENCIES.early : OTHER_YEAR_AGENCIES.late) as Record<LeadAgency, number>;
}

/**
 * Lead agencies of one quarter's CAFs in the years the LSCB's Table 2 covers, as counts summing to
 * the quarter's area total. 2011/12 reconciles, so Table 2 comes out cell for cell. 2012/13 does not
 * (agency sums 109, 98, 70, 58 against area totals 110, 89, 57, 56; see data-quality-notes.json):
 * a CAF has one lead agency and one quarter, so both tables cannot hold; the area table is kept and
 * Table 2's row is scaled to its total (largest remainder), each agency within a few of the print.
 */
export function tableTwoQuota(tables: CafTables, fy: number, quarter: number, total: number): Record<LeadAgency, number> {
  const q = (fy - 2011) * 4 + quarter - 1;
  const agencies = Object.keys(tables.agencies) as LeadAgency[];
  const printed = agencies.map((a) => tables.agencies[a][q] ?? 0);
  const counts = apportion(total, printed);
  return Object.fromEntries(agencies.map((a, i) => [a, counts[i]])) as Record<LeadAgency, number>;
}

/** Early help from 2014/15 goes where the strategy points it. */
const targetBoost = (fy: number) => (ward: Ward) => (ward.target ? (fy >= 2015 ? 3 : fy >= 2014 ? 2.2 : 1) : 1);

function countsByAreaAndQuarter(tables: CafTables, picker: WardPicker, fy: number, areaIds: string[]): number[][] {
  if (fy === 2011 || fy === 2012) {
    const offset = (fy - 2011) * 4;
    return areaIds.map((area) => {
      const name = area[0].toUpperCase() + area.slice(1);
      // The source leaves Central 2012/13 Q4 blank; its total implies 0 (see data-quality-notes.json).
      return [0, 1, 2, 3].map((q) => tables.areas[name][offset + q] ?? 0);
    });
  }
  const weights = picker.weights(fy, 0, 17, targetBoost(fy));
  const areaWeights = areaIds.map((a) => picker.wards.reduce((s, w, i) => s + (w.area === a ? weights[i] : 0), 0));
  const byArea = apportion(T.CAF_TOTALS[fy], areaWeights);
  return byArea.map((n) => apportion(n, [0.24, 0.25, 0.27, 0.24]));
}

export function generateCafs(rng: Rng, registry: ChildRegistry, picker: WardPicker, tables: CafTables, pending: PendingContact[]): Caf[] {
  const areaIds = [...new Set(picker.wards.map((w) => w.area))];
  const cafs: Caf[] = [];
  for (let fy = 2008; fy <= 2015; fy++) {
    const counts = countsByAreaAndQuarter(tables, picker, fy, areaIds);
    const weights = picker.weights(fy, 0, 17, targetBoost(fy));
    // Table 2 years: each quarter's lead agencies are a shuffled quota shared by its five areas.
    const quotas =
      fy === 2011 || fy === 2012
        ? [1, 2, 3, 4].map((q) => {
            const total = counts.reduce((s, byQuarter) => s + byQuarter[q - 1], 0);
            return shuffledQuota(rng.fork(`lead-agency/${fy}/Q${q}`), tableTwoQuota(tables, fy, q, total));
          })
        : null;
    areaIds.forEach((area, a) => {
      const inArea = weights.map((w, i) => (picker.wards[i].area === area ? w : 0));
      for (let q = 1; q <= 4; q++) {
        const days = new DaySampler(quarterStart(fy, q), quarterEnd(fy, q), officeDayWeight);
        const agencies = agencyMix(fy);
        for (let i = 0; i < counts[a][q - 1]; i++) {
          const completed = days.draw(rng.next());
          const ward = picker.wards[rng.weighted(inArea)];
          const child = newChild(registry, rng, ward, drawAge(rng, AGE_MIX.caf), completed);
          child.uses++;
          const leadAgency = quotas ? quotas[q - 1].pop()! : rng.choose(agencies);
          const step = leadAgency === "RAT" && rng.chance(0.8) ? "down" : rng.chance(0.12) ? "up" : "none";
          const levelOfNeed = step === "down" || rng.chance(0.3) ? 3 : 2;
          const recent = completed > DATA_END - 150;
          const outcome: Caf["outcome"] =
            step === "up" ? "stepped_up" : recent && rng.chance(0.7) ? "open" : rng.chance(0.76) ? "closed_needs_met" : "disengaged";
          cafs.push({child, area, completed, leadAgency, levelOfNeed, step, outcome});
          if (step === "up") pending.push({child, from: completed + 5, until: completed + 120, via: "caf", used: false});
        }
      }
    });
  }
  return cafs.sort((a, b) => a.completed - b.completed);
}

/**
 * Step-downs come from social care: hand a step-down CAF to a child whose referral ended in
 * early help shortly before, in the same area, so the two extracts join up.
 */
export function linkStepDowns(rng: Rng, cafs: Caf[], referrals: {child: Caf["child"]; date: Day; outcome: string}[]): void {
  const candidates = referrals.filter((r) => r.outcome === "early_help");
  const taken = new Set<Caf["child"]>();
  for (const caf of cafs) {
    if (caf.step !== "down" || caf.child.uses !== 1 || !rng.chance(0.85)) continue;
    const match = candidates.find(
      (r) => r.date < caf.completed && r.date >= caf.completed - 90 && r.child.ward.area === caf.area && !taken.has(r.child) && ageAt(r.child, caf.completed) <= 17
    );
    if (!match) continue;
    taken.add(match.child);
    caf.child.uses--;
    caf.child = match.child;
    caf.child.uses++;
  }
}

