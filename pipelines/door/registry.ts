import type {Importer} from "./importer.js";
import type {Probe} from "./sniff.js";
import type {Recognition} from "./types.js";
import {SSDA903_IMPORTERS} from "./ssda903/importer.js";

/**
 * ─── REGISTRATION LIST ───────────────────────────────────────────────────────────────────────────
 * Every statutory-format importer the door knows. A format appears in `pipeline run` and in
 * `pipeline validate` by being listed here, and nowhere else. Add the CIN census, Annex A and SSD
 * importers (pipelines/door/cin-census.ts, annex-a.ts, ssd.ts) to this list when they land.
 * Order matters only when two importers claim the same file: the first wins.
 */
export const IMPORTERS: Importer[] = [
  ...SSDA903_IMPORTERS
  // ...CIN_CENSUS_IMPORTERS,
  // ...ANNEX_A_IMPORTERS,
  // ...SSD_IMPORTERS,
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
