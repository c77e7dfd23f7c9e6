import {existsSync, readFileSync} from "node:fs";
import {parseCatalogue, type Catalogue} from "./oba/catalogue.js";
import {CountDefinitions} from "./oba/count-definitions.js";
import {parseFigures, type PublishedFigure} from "./oba/published-figures.js";
import {parseScorecards, type Scorecard} from "./oba/scorecard.js";
import {parseMeasureCatalogue, type MeasureCatalogue} from "./providers/catalogue.js";
import {targetingMeasures, type TargetingMeasure} from "./targeting/measures.js";

/**
 * The reference files the app reads (data/reference/*.json): the indicator catalogue, the scorecards,
 * the figures the council has published and the performance-measure catalogue. The app resolves
 * where they are once (createApi, from the environment unless given a Reference) and passes the
 * Reference down with the warehouse reader, as Observable Framework's `build(options, effects)` takes
 * its I/O: no domain module reads process.env or a file. A file is read and validated when first
 * asked for and kept for the Reference's lifetime (reference files change with a restart); a file
 * that fails validation is not kept, and fails each request that needs it with the entry named.
 * CLIs and tests make their own (`referenceFromEnv()`, or `new Reference(paths, files)`).
 */

export interface ReferencePaths {
  indicators: string;
  scorecards: string;
  /** Optional: no file, no exemptions. */
  publishedFigures: string;
  performanceMeasures: string;
}

export const DEFAULT_REFERENCE_PATHS: ReferencePaths = {
  indicators: "data/reference/indicators.json",
  scorecards: "data/reference/scorecards.json",
  publishedFigures: "data/reference/published-figures.json",
  performanceMeasures: "data/reference/performance-measures.json"
};

/** The paths, each overridable by its environment variable (tests point them at their own files). */
export function referencePathsFromEnv(env: Record<string, string | undefined> = process.env): ReferencePaths {
  const d = DEFAULT_REFERENCE_PATHS;
  return {
    indicators: env.CURVE_INDICATORS ?? d.indicators,
    scorecards: env.CURVE_SCORECARDS ?? d.scorecards,
    publishedFigures: env.CURVE_PUBLISHED_FIGURES ?? d.publishedFigures,
    performanceMeasures: env.CURVE_PERFORMANCE_MEASURES ?? d.performanceMeasures
  };
}

/** How reference files are read: the file system unless a test gives another. */
export interface ReferenceFiles {
  read(path: string): string;
  exists(path: string): boolean;
}

export const fileSystem: ReferenceFiles = {read: (path) => readFileSync(path, "utf8"), exists: existsSync};

export class Reference {
  private readonly loaded = new Map<string, unknown>();

  constructor(readonly paths: ReferencePaths = DEFAULT_REFERENCE_PATHS, private readonly files: ReferenceFiles = fileSystem) {}

  /** The indicator catalogue, with the agenda, strategies and ward-targeting measures. */
  get catalogue(): Catalogue {
    return this.once("catalogue", () => parseCatalogue(this.json(this.paths.indicators), this.paths.indicators));
  }

  /** The scorecards; every indicator they name is checked against the catalogue. */
  get scorecards(): Scorecard[] {
    return this.once("scorecards", () => parseScorecards(this.json(this.paths.scorecards), this.paths.scorecards, this.catalogue));
  }

  /** The figures the council has published (disclosure control's exemptions); none without the file. */
  get publishedFigures(): PublishedFigure[] {
    const path = this.paths.publishedFigures;
    return this.once("published-figures", () => (this.files.exists(path) ? parseFigures(this.json(path), path, this.catalogue) : []));
  }

  /** The performance-measure catalogue of the provider comparisons, with the service map. */
  get measures(): MeasureCatalogue {
    return this.once("measures", () => parseMeasureCatalogue(this.json(this.paths.performanceMeasures), this.paths.performanceMeasures));
  }

  /** The measures wards can be compared on (api/targeting/measures.ts). */
  get targetingMeasures(): TargetingMeasure[] {
    return this.once("targeting-measures", () => targetingMeasures(this.catalogue));
  }

  /** The count definitions the catalogue publishes, and how they link (api/oba/count-definitions.ts). */
  get counts(): CountDefinitions {
    return this.once("counts", () => new CountDefinitions(this.catalogue));
  }

  private json(path: string): unknown {
    return JSON.parse(this.files.read(path));
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.loaded.has(key)) this.loaded.set(key, make());
    return this.loaded.get(key) as T;
  }
}

/** The reference files where the environment (or the defaults) says: what the server and the CLIs read. */
export function referenceFromEnv(env: Record<string, string | undefined> = process.env): Reference {
  return new Reference(referencePathsFromEnv(env));
}
