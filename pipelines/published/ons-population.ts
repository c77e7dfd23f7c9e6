import {LayoutError, type Table} from "./table.js";
import type {WardMatcher} from "./wards.js";

/**
 * ONS small-area population estimates by ward and single year of age (the "SAPE" ward tables, as
 * shipped in xlsx or saved as CSV). Two layouts are in use:
 *   persons: Ward Code | Ward Name | LA Code | LA name | All Ages | 0 | 1 | … | 90+
 *   by sex (mid-2022 on): LAD 2023 Code | LAD 2023 Name | Ward 2023 Code | Ward 2023 Name | Total | F0 … F90 | M0 … M90
 * Curve keeps children 0–17 per ward and year; the year is the mid-year the sheet or title names.
 */

export const ONS_POPULATION = {
  id: "ons-ward-population",
  required: [/^(ward( \d{4})? code|wd\d{2}cd)$/i, /^(ward( \d{4})? name|wd\d{2}nm)$/i, /^(f?0|m0)$/i],
  pickSheet: (names: string[]) => names.find((n) => /mid-?\d{4}.*(persons|ward)/i.test(n)) ?? names.find((n) => /mid-?\d{4}/i.test(n)) ?? null
};

export interface PopulationRow {la_code: string; ward_id: string; year: number; age: number; children: number}

function yearOf(table: Table, fileName: string): number {
  const sources = [table.sheet ?? "", ...table.preamble.flat(), fileName];
  for (const s of sources) {
    const m = /mid[- ]?(\d{4})/i.exec(s);
    if (m) return +m[1];
  }
  throw new LayoutError(table.file, table.headerRow, null, "cannot tell the mid-year: expected 'Mid-YYYY' in the sheet name, a title row or the file name");
}

export async function readOnsPopulation(table: Table, wards: WardMatcher): Promise<PopulationRow[]> {
  const year = yearOf(table, table.file);
  const code = table.index(/^(ward( \d{4})? code|wd\d{2}cd)$/i);
  const name = table.index(/^(ward( \d{4})? name|wd\d{2}nm)$/i);
  const lad = table.index(/^(la code|lad( \d{4})? code|lad\d{2}cd|local authority code)/i);
  // Columns for each age 0–17: persons "0".."17", or the sum of "F0"+"M0" .. in the by-sex layout.
  const ageColumns: number[][] = [];
  for (let age = 0; age <= 17; age++) {
    const persons = table.header.findIndex((h) => h.trim() === String(age));
    const bySex = [`F${age}`, `M${age}`].map((c) => table.header.findIndex((h) => h.trim().toUpperCase() === c));
    if (persons >= 0) ageColumns.push([persons]);
    else if (bySex.every((i) => i >= 0)) ageColumns.push(bySex);
    else throw new LayoutError(table.file, table.headerRow, String(age), `no column for age ${age} (expected '${age}', or 'F${age}' and 'M${age}')`);
  }
  const out: PopulationRow[] = [];
  const seen = new Set<string>();
  for await (const r of table.rows) {
    const wardCode = r.cells[code] ?? "";
    const ladCode = lad >= 0 ? r.cells[lad] ?? "" : "";
    const ward = wards.match(wardCode, r.cells[name] ?? "");
    if (!ward) {
      if (ladCode === wards.ladCode) {
        throw new LayoutError(table.file, r.row, table.header[name], `ward '${r.cells[name]}' (${wardCode}) of ${wards.ladCode} is not in wards.csv for authority ${wards.laCode}: is the file on another ward vintage?`);
      }
      continue;
    }
    if (seen.has(ward.ward_id)) throw new LayoutError(table.file, r.row, table.header[code], `ward ${ward.name} appears twice`);
    seen.add(ward.ward_id);
    let total = 0;
    ageColumns.forEach((cols, age) => {
      const n = cols.reduce((s, i) => {
        const raw = (r.cells[i] ?? "").replace(/,/g, "");
        const v = Number(raw);
        if (raw === "" || !Number.isFinite(v) || v < 0) throw new LayoutError(table.file, r.row, table.header[i], `expected a count of people, got '${raw}'`);
        return s + v;
      }, 0);
      total += n;
      out.push({la_code: wards.laCode, ward_id: ward.ward_id, year, age, children: n});
    });
    // A ward with no children would make every rate for it a division by zero.
    if (total === 0) throw new LayoutError(table.file, r.row, null, `ward ${ward.name} has 0 children aged 0–17`);
  }
  const missing = wards.wards.filter((w) => !seen.has(w.ward_id));
  if (missing.length) {
    throw new LayoutError(table.file, null, table.header[name], `no row for ward(s) ${missing.map((w) => w.name).join(", ")} of authority ${wards.laCode}`);
  }
  return out;
}
