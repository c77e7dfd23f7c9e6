/**
 * The CIN census carries no postcode, so the council also hands over its Standard Safeguarding
 * Dataset address table (data-to-insight ssd-data-model `ssd_address`, field names and order as
 * there) giving each child's home postcode, and its postcode → ward lookup: with both the door
 * can give a CIN record a ward. Every demo child lives in one ward throughout, so one row each.
 */
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {isoDay} from "../calendar.js";
import {csvCell, csvLine} from "../csv.js";
import type {Child} from "../model.js";
import type {AuthorityRecords, People} from "./authority.js";
import {councilChildId} from "./identity.js";
import type {StatutoryFile} from "./files.js";

export const SSD_ADDRESS_COLUMNS = [
  "addr_table_id", "addr_address_json", "addr_person_id", "addr_address_type",
  "addr_address_start_date", "addr_address_end_date", "addr_address_postcode"
] as const;
export const POSTCODE_LOOKUP_COLUMNS = ["postcode", "ward_id", "la_code"] as const;

/** The SSD standard keeps every key of the address structure, empty when unknown (all are, here). */
const EMPTY_ADDRESS = JSON.stringify({ROOM: "", FLOOR: "", FLAT: "", BUILDING: "", HOUSE: "", STREET: "", TOWN: "", UPRN: "", EASTING: "", NORTHING: ""});

export function writeAddressFiles(a: AuthorityRecords, people: People, dir: string): StatutoryFile[] {
  const children = new Set<Child>();
  for (const r of a.referrals) children.add(r.child);
  for (const p of a.plans) if (p.child) children.add(p.child);
  for (const e of a.care) children.add(e.child);
  // Child ids are the zero-padded serial, so serial order is id order.
  const rows = [...children].sort((x, y) => x.serial - y.serial);
  const json = csvCell(EMPTY_ADDRESS);
  const lines: string[] = [csvLine([...SSD_ADDRESS_COLUMNS])];
  rows.forEach((c, i) => {
    // From before birth (the family's address covers pre-birth referrals); the SSD writes postcodes without spaces.
    lines.push(`ADDR${a.laCode}-${String(i + 1).padStart(7, "0")},${json},${councilChildId(a.idPrefix, c)},Home,${isoDay(people.dob(c) - 280)},,${people.postcodes.home(c).replace(" ", "")}\n`);
  });
  const text = lines.join("");
  const addressPath = join(dir, `${a.laCode}_ssd_address.csv`);
  writeFileSync(addressPath, text);
  const lookup = people.postcodes.lookupRows();
  const lookupPath = join(dir, `${a.laCode}_postcode_ward_lookup.csv`);
  writeFileSync(lookupPath, csvLine([...POSTCODE_LOOKUP_COLUMNS]) + lookup.map(csvLine).join(""));
  return [
    {path: addressPath, format: "ssd:address", laCode: a.laCode, fy: null, rows: rows.length},
    {path: lookupPath, format: "postcode-lookup", laCode: a.laCode, fy: null, rows: lookup.length}
  ];
}
