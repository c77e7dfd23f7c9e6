import {LayoutError, type Table} from "./table.js";
import type {WardMatcher} from "./wards.js";

/**
 * English Indices of Deprivation by LSOA (MHCLG "File 7: all ranks, deciles and scores") and the ONS
 * LSOA→ward best-fit lookup. A ward's IDACI score is the mean of its LSOAs' scores weighted by their
 * dependent children (aged 0–15, in File 7), as IDACI itself counts children; ranks run within the
 * authority, 1 = most deprived.
 */

export const LSOA_WARD_LOOKUP = {
  id: "lsoa-ward-lookup",
  required: [/^LSOA\d{2}CD$/i, /^WD\d{2}CD$/i, /^WD\d{2}NM$/i, /^LAD\d{2}CD$/i]
};

export const IOD_FILE_7 = {
  id: "iod-lsoa",
  required: [/^LSOA code \(\d{4}\)$/i, /^Local Authority District code \(\d{4}\)$/i, /IDACI\) Score/i]
};

export interface LsoaWard {lsoa: string; ward_id: string}

export async function readLsoaWardLookup(table: Table, wards: WardMatcher): Promise<{vintage: string; lsoas: Map<string, string>}> {
  const lsoa = table.index(/^LSOA\d{2}CD$/i);
  const code = table.index(/^WD\d{2}CD$/i);
  const name = table.index(/^WD\d{2}NM$/i);
  const lad = table.index(/^LAD\d{2}CD$/i);
  const vintage = `20${/^WD(\d{2})CD$/i.exec(table.header[code])![1]}`;
  const lsoas = new Map<string, string>();
  for await (const r of table.rows) {
    if (r.cells[lad] !== wards.ladCode) continue;
    const ward = wards.match(r.cells[code] ?? "", r.cells[name] ?? "");
    if (!ward) throw new LayoutError(table.file, r.row, table.header[name], `ward '${r.cells[name]}' (${r.cells[code]}) is not in wards.csv for authority ${wards.laCode}: is the lookup on another ward vintage than ${wards.wards[0]?.vintage}?`);
    lsoas.set(r.cells[lsoa], ward.ward_id);
  }
  if (lsoas.size === 0) throw new LayoutError(table.file, null, table.header[lad], `no LSOA of ${wards.ladCode} (authority ${wards.laCode})`);
  return {vintage, lsoas};
}

export interface DeprivationRow {la_code: string; ward_id: string; idaci_score: number; idaci_rank: number; vintage: string}

export async function readIodFile7(table: Table, wards: WardMatcher, lookup: Map<string, string>): Promise<DeprivationRow[]> {
  const lsoa = table.index(/^LSOA code \(\d{4}\)$/i);
  const lad = table.index(/^Local Authority District code \(\d{4}\)$/i);
  const score = table.index(/IDACI\) Score/i);
  const kids = table.index(/^Dependent Children aged 0-15/i);
  const sums = new Map<string, {weighted: number; weight: number}>();
  const number = (r: {row: number; cells: string[]}, i: number, what: string) => {
    const raw = (r.cells[i] ?? "").replace(/,/g, "");
    const v = Number(raw);
    if (raw === "" || !Number.isFinite(v) || v < 0) throw new LayoutError(table.file, r.row, table.header[i], `expected ${what}, got '${raw}'`);
    return v;
  };
  for await (const r of table.rows) {
    if (r.cells[lad] !== wards.ladCode) continue;
    const ward = lookup.get(r.cells[lsoa]);
    if (!ward) throw new LayoutError(table.file, r.row, table.header[lsoa], `LSOA ${r.cells[lsoa]} is not in the LSOA→ward lookup for ${wards.ladCode}`);
    const s = number(r, score, "an IDACI score between 0 and 1");
    if (s > 1) throw new LayoutError(table.file, r.row, table.header[score], `expected an IDACI score between 0 and 1, got ${s}`);
    const w = kids >= 0 ? number(r, kids, "a count of children") : 1;
    const acc = sums.get(ward) ?? {weighted: 0, weight: 0};
    acc.weighted += s * w;
    acc.weight += w;
    sums.set(ward, acc);
  }
  const missing = wards.wards.filter((w) => !sums.has(w.ward_id) || sums.get(w.ward_id)!.weight === 0);
  if (missing.length) throw new LayoutError(table.file, null, table.header[lsoa], `no LSOA with children for ward(s) ${missing.map((w) => w.name).join(", ")} of authority ${wards.laCode}`);
  const vintage = `IDACI from ${table.header[lad].replace(/^Local Authority District code/i, "IoD LAD").trim()} (published)`;
  const scored = [...sums].map(([ward_id, a]) => ({ward_id, idaci_score: Math.round((a.weighted / a.weight) * 1e4) / 1e4}))
    .sort((a, b) => b.idaci_score - a.idaci_score || a.ward_id.localeCompare(b.ward_id));
  return scored.map((s, i) => ({la_code: wards.laCode, ward_id: s.ward_id, idaci_score: s.idaci_score, idaci_rank: i + 1, vintage}));
}
