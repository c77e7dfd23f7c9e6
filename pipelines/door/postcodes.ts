import {csvRows} from "./csv-rows.js";

/**
 * The postcode → ward lookup a council supplies, so home postcodes become wards and are then
 * dropped. Layout (CSV, header required, any column order, extra columns ignored):
 *
 *     postcode,la_code,ward_id
 *     LU1 3JH,821,biscot
 *
 * `ward_id` is a ward of data/reference/wards.csv. Full postcodes match exactly (case and spaces
 * ignored). The SSDA903 return carries only the postcode sector ("LU1 3"); a sector maps to the ward
 * that holds most of the lookup's postcodes in that sector. A placement postcode is "in" the
 * authority's area when the lookup knows it (or its sector) for that authority, else "out".
 */

export const LOOKUP_COLUMNS = ["postcode", "la_code", "ward_id"] as const;

export interface Postcode {
  full: string | null;
  sector: string;
}

/** "lu1 3jh" → {full: "LU1 3JH", sector: "LU1 3"}; "LU1 3" → {full: null, sector: "LU1 3"}; else null. */
export function parsePostcode(text: string | null | undefined): Postcode | null {
  const t = (text ?? "").toUpperCase().replace(/\s+/g, "");
  const full = /^([A-Z]{1,2}\d[A-Z\d]?)(\d)([A-Z]{2})$/.exec(t);
  if (full) return {full: `${full[1]} ${full[2]}${full[3]}`, sector: `${full[1]} ${full[2]}`};
  const sector = /^([A-Z]{1,2}\d[A-Z\d]?)(\d)$/.exec(t);
  return sector ? {full: null, sector: `${sector[1]} ${sector[2]}`} : null;
}

export class PostcodeLookup {
  readonly #full = new Map<string, string>();
  readonly #sectorCounts = new Map<string, Map<string, number>>();
  readonly authorities = new Set<string>();
  rows = 0;
  skipped = 0;

  add(la: string, postcode: string, ward: string): boolean {
    const p = parsePostcode(postcode);
    if (!p?.full || !/^\d{3}$/.test(la) || !ward.trim()) {
      this.skipped++;
      return false;
    }
    this.rows++;
    this.authorities.add(la);
    this.#full.set(`${la}|${p.full}`, ward.trim());
    const key = `${la}|${p.sector}`;
    const counts = this.#sectorCounts.get(key) ?? new Map<string, number>();
    counts.set(ward.trim(), (counts.get(ward.trim()) ?? 0) + 1);
    this.#sectorCounts.set(key, counts);
    return true;
  }

  covers(la: string): boolean {
    return this.authorities.has(la);
  }

  ward(la: string, postcode: string | null | undefined): string | null {
    const p = parsePostcode(postcode);
    if (!p) return null;
    if (p.full) {
      const exact = this.#full.get(`${la}|${p.full}`);
      if (exact) return exact;
    }
    const counts = this.#sectorCounts.get(`${la}|${p.sector}`);
    if (!counts) return null;
    // Most postcodes wins; ties go to the ward id first in order, so the answer never depends on file order.
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  }

  /** "in" / "out" of the authority's area, or null when there is no postcode or no lookup for the authority. */
  area(la: string, postcode: string | null | undefined): "in" | "out" | null {
    if (!this.covers(la) || !parsePostcode(postcode)) return null;
    return this.ward(la, postcode) ? "in" : "out";
  }
}

/** True when a CSV header is a postcode lookup's. */
export function isLookupHeader(header: string[] | null): boolean {
  const h = (header ?? []).map((c) => c.trim().toLowerCase());
  return LOOKUP_COLUMNS.every((c) => h.includes(c));
}

export async function readPostcodeLookup(paths: string[]): Promise<PostcodeLookup> {
  const lookup = new PostcodeLookup();
  for (const path of paths) {
    for await (const {values} of csvRows(path)) {
      const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k.toLowerCase(), (x ?? "").trim()]));
      lookup.add(v.la_code ?? "", v.postcode ?? "", v.ward_id ?? "");
    }
  }
  return lookup;
}
