import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {DEFAULT_REFERENCE_PATHS, Reference, referencePathsFromEnv, type ReferenceFiles} from "../../api/reference.js";

/**
 * The reference files an app reads (api/reference.ts): through the reader it is given, each once for
 * the Reference's lifetime, from the paths resolved when it was made.
 */

/** The committed reference files under other names, served from memory, counting the reads. */
function inMemory(overrides: Record<string, string> = {}) {
  const texts = new Map<string, string>([
    ["mem/indicators.json", readFileSync(DEFAULT_REFERENCE_PATHS.indicators, "utf8")],
    ["mem/scorecards.json", readFileSync(DEFAULT_REFERENCE_PATHS.scorecards, "utf8")],
    ["mem/performance-measures.json", readFileSync(DEFAULT_REFERENCE_PATHS.performanceMeasures, "utf8")],
    ...Object.entries(overrides)
  ]);
  const reads: string[] = [];
  const files: ReferenceFiles = {
    read(path) {
      reads.push(path);
      const text = texts.get(path);
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    exists: (path) => texts.has(path)
  };
  return {texts, reads, files};
}

const paths = {indicators: "mem/indicators.json", scorecards: "mem/scorecards.json", publishedFigures: "mem/published-figures.json", performanceMeasures: "mem/performance-measures.json"};

describe("the reference files", () => {
  it("are read through the reader the app gives, from its paths, each once", () => {
    const mem = inMemory();
    const renamed = JSON.parse(mem.texts.get("mem/indicators.json")!);
    renamed.indicators[0].name = "Renamed for this test";
    mem.texts.set("mem/indicators.json", JSON.stringify(renamed));
    const reference = new Reference(paths, mem.files);
    expect(reference.catalogue.indicators[0].name).toBe("Renamed for this test");
    expect(reference.scorecards.map((s) => s.id)).toContain("early-help-strategy");
    expect(reference.measures.measures.length).toBeGreaterThan(0);
    void reference.catalogue;
    void reference.scorecards;
    expect(mem.reads.sort()).toEqual(["mem/indicators.json", "mem/performance-measures.json", "mem/scorecards.json"]);
    // No published-figures file: no exemptions, and nothing read.
    expect(reference.publishedFigures).toEqual([]);
    expect(mem.reads).not.toContain("mem/published-figures.json");
  });

  it("belong to one Reference: another, over other files, sees its own", () => {
    const a = new Reference(paths, inMemory().files);
    const other = inMemory();
    const json = JSON.parse(other.texts.get("mem/indicators.json")!);
    json.indicators = json.indicators.slice(0, 3);
    json.strategies = [];
    json.indicators.forEach((i: {discontinued?: unknown}) => delete i.discontinued);
    other.texts.set("mem/indicators.json", JSON.stringify(json));
    const b = new Reference(paths, other.files);
    expect(b.catalogue.indicators).toHaveLength(3);
    expect(a.catalogue.indicators.length).toBeGreaterThan(3);
  });

  it("keep no file that fails validation: the error names the file, and the next request reads it again", () => {
    const mem = inMemory({"mem/scorecards.json": JSON.stringify({scorecards: [{id: "card", name: "Card", results: [{id: "r", name: "R", indicators: ["no-such-indicator"]}]}]})});
    const reference = new Reference(paths, mem.files);
    expect(() => reference.scorecards).toThrow("mem/scorecards.json: scorecard card names unknown indicator 'no-such-indicator'");
    mem.texts.set("mem/scorecards.json", readFileSync(DEFAULT_REFERENCE_PATHS.scorecards, "utf8"));
    expect(reference.scorecards.length).toBeGreaterThan(0);
  });

  it("derive the ward-targeting measures and the count definitions once, from the same catalogue", () => {
    const reference = new Reference(paths, inMemory().files);
    expect(reference.targetingMeasures).toBe(reference.targetingMeasures);
    expect(reference.counts).toBe(reference.counts);
    const {catalogue} = reference;
    expect(reference.counts.publishers).toEqual([...catalogue.indicators, ...catalogue.targeting]);
    expect(reference.targetingMeasures.filter((m) => m.source === "targeting").map((m) => m.indicator)).toEqual(catalogue.targeting);
  });

  it("are found where the environment says, else under data/reference", () => {
    expect(referencePathsFromEnv({})).toEqual(DEFAULT_REFERENCE_PATHS);
    expect(referencePathsFromEnv({CURVE_INDICATORS: "a.json", CURVE_SCORECARDS: "b.json", CURVE_PUBLISHED_FIGURES: "c.json", CURVE_PERFORMANCE_MEASURES: "d.json"}))
      .toEqual({indicators: "a.json", scorecards: "b.json", publishedFigures: "c.json", performanceMeasures: "d.json"});
  });
});
