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
  }
  return files;
}
