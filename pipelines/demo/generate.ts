/**
 * The demo-data generator as a library: `generateDemoExtracts` writes anonymised extracts shaped
 * like a council's (see docs/demo-data.md). Same seed, same bytes.
 */
import {existsSync, mkdirSync, readdirSync, rmSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {fyLabel, parseFyLabel} from "./calendar.js";
import {EXTRACT_FILE_PATTERN, type ExtractType} from "./extracts.js";
import {loadReferenceData} from "./geography.js";
import {ChildKeyer} from "./keys.js";
import {DEMO_YEARS} from "./model.js";
import {Rng} from "./rng.js";
import {generateDemoScale} from "./demo.js";
import {generateEnglandScale} from "./england.js";
import type {WrittenFile} from "./demo-writer.js";
import {STATUTORY_DIR, type StatutoryFile} from "./statutory/index.js";

export {syntheticWardIds, syntheticAreaIds} from "./geography.js";
export {EXTRACT_COLUMNS, EXTRACT_TYPES, extractFileName} from "./extracts.js";
export type {ExtractType} from "./extracts.js";
export type {WrittenFile} from "./demo-writer.js";
export type {StatutoryFile} from "./statutory/index.js";
export {STATUTORY_DIR} from "./statutory/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const DEFAULT_SEED = 2014;
export const DEFAULT_OUT = {demo: join(repoRoot, "data/demo-extracts"), england: join(repoRoot, "data/england")};
export const DEFAULT_REFERENCE_DIR = join(repoRoot, "data/reference");

export type Scale = "demo" | "england";

export interface ProgressEvent {
  laCode: string;
  type: ExtractType;
  files: number;
  rows: number;
  /** England scale: authorities finished so far, out of `of`. */
  done?: number;
  of?: number;
}

export interface GenerateOptions {
  seed?: number;
  scale?: Scale;
  outDir?: string;
  /** Financial years like "2015-16"; default every demo year (demo) or 2015-16 (england). */
  years?: readonly string[];
  referenceDir?: string;
  /** Overwrite extract files already in outDir; otherwise a directory with files is left alone. */
  force?: boolean;
  /**
   * Demo scale: also write the Luton and Leeds records as statutory files (SSDA903, CIN census,
   * SSD address, postcode lookup) under <outDir>/statutory/<la>/. Default true; ignored at England scale.
   */
  statutory?: boolean;
  onProgress?: (event: ProgressEvent) => void;
}

export interface GenerateResult {
  outDir: string;
  skipped: boolean;
  files: WrittenFile[];
  /** The statutory files written (demo scale), each with its format and return year. */
  statutory: StatutoryFile[];
  elapsedMs: number;
}

export function resolveYears(scale: Scale, years?: readonly string[]): number[] {
  if (!years || years.length === 0) return scale === "england" ? [2015] : [...DEMO_YEARS];
  const out = [...new Set(years.flatMap((y) => y.split(",")).map((y) => y.trim()).filter(Boolean).map(parseFyLabel))].sort();
  if (scale === "demo") {
    const bad = out.filter((y) => !DEMO_YEARS.includes(y));
    if (bad.length) throw new Error(`demo extracts cover 2008-09 to 2015-16; not ${bad.map(fyLabel).join(", ")}`);
  }
  return out;
}

export function generateDemoExtracts(options: GenerateOptions = {}): GenerateResult {
  const started = performance.now();
  const scale = options.scale ?? "demo";
  const seed = options.seed ?? DEFAULT_SEED;
  const outDir = resolve(options.outDir ?? DEFAULT_OUT[scale]);
  const years = resolveYears(scale, options.years);
  if (existsSync(outDir)) {
    const existing = readdirSync(outDir).filter((f) => !f.startsWith("."));
    if (existing.length && !options.force) return {outDir, skipped: true, files: [], statutory: [], elapsedMs: performance.now() - started};
    // Only our own files are removed: anything else someone put there stays.
    for (const f of existing) if (EXTRACT_FILE_PATTERN.test(f)) rmSync(join(outDir, f));
    rmSync(join(outDir, STATUTORY_DIR), {recursive: true, force: true});
  }
  mkdirSync(outDir, {recursive: true});
  const ref = loadReferenceData(options.referenceDir ?? DEFAULT_REFERENCE_DIR);
  const rng = Rng.fromSeed(seed);
  const keyer = new ChildKeyer(seed);
  const onProgress = options.onProgress ?? (() => {});
  if (scale === "england") {
    const files = generateEnglandScale(rng.fork("england"), ref, keyer, years, outDir, onProgress);
    return {outDir, skipped: false, files, statutory: [], elapsedMs: performance.now() - started};
  }
  const statutory = options.statutory !== false ? {seed} : undefined;
  const demo = generateDemoScale(rng.fork("demo"), ref, keyer, years, outDir, onProgress, {statutory});
  return {outDir, skipped: false, files: demo.files, statutory: demo.statutory, elapsedMs: performance.now() - started};
}
