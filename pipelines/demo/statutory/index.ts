/**
 * The demo's Luton and Leeds records written a second time, as the statutory files a council
 * already makes (SSDA903 tables, CIN census XML) plus the two files the door needs to give a CIN
 * record a ward (SSD address table, postcode → ward lookup). Synthetic and marked as such.
 */
import {mkdirSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {Child, Referral} from "../model.js";
import {People, type AuthorityRecords} from "./authority.js";
import {buildCinEpisodes} from "./cin-episodes.js";
import {writeCinCensus} from "./cin-census.js";
import type {StatutoryFile} from "./files.js";
import {STATUTORY_README} from "./readme.js";
import {writeAddressFiles} from "./ssd-address.js";
import {writeSsda903} from "./ssda903.js";
import {csvLine} from "../csv.js";
import {councilChildId} from "./identity.js";

export type {AuthorityRecords} from "./authority.js";
export type {StatutoryFile} from "./files.js";

/** Sub-folder of the demo extracts that holds the statutory files, one folder per authority. */
export const STATUTORY_DIR = "statutory";

export function writeStatutoryFiles(authorities: readonly AuthorityRecords[], years: readonly number[], outDir: string, seed: number): StatutoryFile[] {
  const root = join(outDir, STATUTORY_DIR);
  // The folder is ours: rewrite it whole so a file from an earlier run never lingers.
  rmSync(root, {recursive: true, force: true});
  mkdirSync(root, {recursive: true});
  writeFileSync(join(root, "README.md"), STATUTORY_README);
  const files: StatutoryFile[] = [];
  for (const a of authorities) {
    const dir = join(root, a.laCode);
    mkdirSync(dir, {recursive: true});
    const people = new People(a, seed);
    const referralsByChild = new Map<Child, Referral[]>();
    for (const r of [...a.referrals].sort((x, y) => x.date - y.date)) {
      const list = referralsByChild.get(r.child);
      if (list) list.push(r);
      else referralsByChild.set(r.child, [r]);
    }
    files.push(...writeSsda903(a, people, referralsByChild, years, dir));
    files.push(...writeCinCensus(a, people, buildCinEpisodes(a), years, dir));
    files.push(...writeAddressFiles(a, people, dir));
    files.push(writeKeyCrosswalk(a, dir));
  }
  return files;
}

/**
 * Demo only: which Curve-layout child_key is which council child id, so the demo inbox can give
 * the Curve-layout extracts (early help, services, participation) the key the door gives the same
 * child from the statutory files. A council has no such file: its own exports carry its child ids.
 */
function writeKeyCrosswalk(a: AuthorityRecords, dir: string): StatutoryFile {
  const seen = new Set<Child>();
  let text = csvLine(["child_key", "child_id"]);
  const add = (c: Child) => {
    if (seen.has(c) || !c.key) return;
    seen.add(c);
    text += csvLine([c.key, councilChildId(a.idPrefix, c)]);
  };
  for (const r of a.referrals) add(r.child);
  for (const p of a.plans) if (p.child) add(p.child);
  for (const e of a.care) add(e.child);
  const path = join(dir, `${a.laCode}_demo_key_crosswalk.csv`);
  writeFileSync(path, text);
  return {path, format: "demo:key-crosswalk", laCode: a.laCode, fy: null, rows: seen.size};
}
