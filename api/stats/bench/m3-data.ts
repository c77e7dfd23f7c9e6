/**
 * The M3 series the forecast benchmark reads (benchmarks/m3/README.md), and the fixed split of the
 * 1,142 monthly training series into a tuning half and a held-out half. Design choices for monthly
 * forecasting are made on the tuning half only; the held-out half is reported beside it so the
 * figure quoted is not one the design was fitted to.
 */
import {readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {mulberry32} from "../random.js";

/** One M3 series: history `x`, held-out future `xx`. */
export interface M3Series {
  id: string;
  period: "yearly" | "quarterly" | "monthly";
  type: string;
  frequency: 1 | 4 | 12;
  h: number;
  x: number[];
  xx: number[];
}

/** The sets the benchmark scores: monthly is split into its tuning and held-out halves. */
export type M3Set = "yearly" | "quarterly" | "monthly-tuning" | "monthly-held-out";
export const M3_SETS: readonly M3Set[] = ["yearly", "quarterly", "monthly-tuning", "monthly-held-out"];

/** Seed of the monthly split: fixed so every run (and every reviewer) sees the same halves. */
export const MONTHLY_SPLIT_SEED = 20001;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");


/**
 * Splits series into two halves by a seeded Fisher–Yates shuffle of their ids in sorted order
 * (so the split depends only on the ids and the seed, not on the file's order).
 */
export function splitHalves<T extends {id: string}>(series: readonly T[], seed = MONTHLY_SPLIT_SEED): {tuning: T[]; heldOut: T[]} {
  const sorted = [...series].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rand = mulberry32(seed);
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
  }
  const half = Math.ceil(sorted.length / 2);
  const tuningIds = new Set(sorted.slice(0, half).map((s) => s.id));
  // Keep the file's order inside each half.
  return {tuning: series.filter((s) => tuningIds.has(s.id)), heldOut: series.filter((s) => !tuningIds.has(s.id))};
}

const cache = new Map<string, M3Series[]>();
function readSeries(file: string): M3Series[] {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(resolve(root, "benchmarks/m3", file), "utf8")).series);
  return cache.get(file)!;
}

/** The series of one benchmark set. */
export function loadM3(set: M3Set): M3Series[] {
  if (set === "yearly" || set === "quarterly") return readSeries("m3-yearly-quarterly.json").filter((s) => s.period === set);
  const halves = splitHalves(readSeries("m3-monthly-train.json"));
  return set === "monthly-tuning" ? halves.tuning : halves.heldOut;
}
