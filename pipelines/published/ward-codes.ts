import {LayoutError, type Table} from "./table.js";
import type {WardMatcher} from "./wards.js";

/**
 * ONS ward→local authority lookups (WDyyCD, WDyyNM, LADyyCD, LADyyNM), one per boundary vintage.
 * Ward boundaries change (all of Luton's in May 2023), so the code vintage is kept as a dimension:
 * every code of the authority is recorded with its vintage year, matched to a Curve ward when the
 * names agree and left unmatched when the vintage is not the one wards.csv describes.
 */
export const WARD_CODE_LOOKUP = {id: "ons-ward-lookup", required: [/^WD\d{2}CD$/i, /^WD\d{2}NM$/i, /^LAD\d{2}CD$/i]};

export interface WardCode {la_code: string; vintage: string; ons_code: string; name: string; ward_id: string | null}

export async function readWardCodeLookup(table: Table, wards: WardMatcher): Promise<WardCode[]> {
  const code = table.index(/^WD\d{2}CD$/i);
  const name = table.index(/^WD\d{2}NM$/i);
  const lad = table.index(/^LAD\d{2}CD$/i);
  const vintage = `20${/^WD(\d{2})CD$/i.exec(table.header[code])![1]}`;
  const out: WardCode[] = [];
  for await (const r of table.rows) {
    if (r.cells[lad] !== wards.ladCode) continue;
    if (!/^[EW]05\d{6}$/.test(r.cells[code] ?? "")) throw new LayoutError(table.file, r.row, table.header[code], `expected an ONS ward code E05xxxxxx, got '${r.cells[code]}'`);
    out.push({la_code: wards.laCode, vintage, ons_code: r.cells[code], name: r.cells[name], ward_id: wards.match(r.cells[code], r.cells[name])?.ward_id ?? null});
  }
  if (!out.length) throw new LayoutError(table.file, null, table.header[lad], `no ward of ${wards.ladCode} (authority ${wards.laCode})`);
  return out;
}
