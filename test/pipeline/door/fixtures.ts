import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

/** The synthetic statutory fixtures (test/fixtures/statutory) and helpers to drop them in an inbox. */

export const FIXTURES = "test/fixtures/statutory";
export const RETURN_2013 = join(FIXTURES, "ssda903", "2013");
export const RETURN_2014 = join(FIXTURES, "ssda903", "2014");

const ids = JSON.parse(readFileSync(join(FIXTURES, "IDENTIFIERS.json"), "utf8"));
/** Every original identifier in the fixtures, and the SSD's case-system record ids (keyed at the door too). */
export const IDENTIFIERS: string[] = [...ids.childIds, ...ids.upns, ...ids.dobs, ...ids.postcodes, ...ids.caseIds];

/** Copies a return's tables into `inbox/<folder>/`, optionally renamed (names are arbitrary). */
export function dropReturn(inbox: string, folder: string, from: string, rename: (name: string) => string = (n) => n): void {
  mkdirSync(join(inbox, folder), {recursive: true});
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(inbox, folder, rename(f)));
}

/** A child key file in a fresh temporary folder (outside the repository), set for this process. */
export function tempChildKey(): string {
  const path = join(mkdtempSync(join(tmpdir(), "curve-key-")), "child-key");
  process.env.CURVE_CHILD_KEY = path;
  return path;
}

/** Every identifier from the fixtures found in the text (empty when none leaked). */
export function leaks(text: string): string[] {
  return IDENTIFIERS.filter((id) => text.includes(id));
}
