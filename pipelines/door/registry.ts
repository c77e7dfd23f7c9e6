import type {Importer} from "./importer.js";
import type {Probe} from "./sniff.js";
import type {Recognition} from "./types.js";
import {annexAImporter} from "./annex-a.js";
import {cinCensusImporter} from "./cin-census.js";
import {ssdImporter} from "./ssd.js";
import {SSDA903_IMPORTERS} from "./ssda903/importer.js";

/**
 * ─── REGISTRATION LIST ───────────────────────────────────────────────────────────────────────────
 * Every statutory-format importer the door knows. A format appears in `pipeline run` and in
 * `pipeline validate` by being listed here, and nowhere else.
 * Order matters only when two importers claim the same file: the first wins.
 */
export const IMPORTERS: Importer[] = [
  ...SSDA903_IMPORTERS,
  cinCensusImporter,
  annexAImporter,
  ssdImporter
];

export interface Recognised {
  importer: Importer;
  recognition: Recognition;
}

/** The first registered importer that recognises the file, or null. An importer that throws is skipped. */
export async function recognise(probe: Probe, importers: Importer[] = IMPORTERS): Promise<Recognised | null> {
  for (const importer of importers) {
    let recognition: Recognition | null = null;
    try {
      recognition = await importer.recognise(probe);
    } catch {
      recognition = null;
    }
    if (recognition) return {importer, recognition};
  }
  return null;
}
