import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {assembleDemoInbox, demoInput} from "../../pipelines/demo/statutory/inbox.js";

/** The demo inbox `npm start` can load: Curve's layout throughout, or statutory files where a return exists. */

const root = mkdtempSync(join(tmpdir(), "curve-demo-inbox-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));

/** A demo folder shaped like the generator's output, with tiny synthetic files. */
function demoFolder(): string {
  const dir = join(root, `demo-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, "statutory", "821"), {recursive: true});
  for (const type of ["referrals", "assessments", "s47", "cp_plans", "looked_after", "marac"]) writeFileSync(join(dir, `${type}_821_2012-13.csv`), "x\n1\n");
  writeFileSync(join(dir, "early_help_821_2012-13.csv"), "caf_id,child_key,la_code\nC1,aaaaaaaaaaaaaaaa,821\nC2,bbbbbbbbbbbbbbbb,821\n");
  writeFileSync(join(dir, "service_episodes_821_2012-13.csv"), "episode_id,child_key,la_code\nE1,aaaaaaaaaaaaaaaa,821\n");
  writeFileSync(join(dir, "participation_821_2012-13.csv"), "young_person_key,la_code\naaaaaaaaaaaaaaaa,821\ncccccccccccccccc,821\n");
  writeFileSync(join(dir, "notes.txt"), "not an extract\n");
  const s = join(dir, "statutory", "821");
  for (const f of ["821_SSDA903_2013_Header.csv", "821_SSDA903_2013_Episodes.csv", "821_CIN_Census_2013.xml", "821_ssd_address.csv", "821_postcode_ward_lookup.csv"]) writeFileSync(join(s, f), "x\n");
  writeFileSync(join(s, "821_demo_key_crosswalk.csv"), "child_key,child_id\naaaaaaaaaaaaaaaa,LUT0000001\n");
  writeFileSync(join(dir, "statutory", "README.md"), "# SYNTHETIC\n");
  return dir;
}

describe("assembling the demo inbox", () => {
  it("in Curve mode copies every Curve-layout extract and no statutory file", () => {
    const inbox = join(root, "inbox-curve");
    const files = assembleDemoInbox(demoFolder(), inbox, "curve");
    expect(files.every((f) => f.source === "curve")).toBe(true);
    expect(readdirSync(inbox).sort()).toEqual([
      "assessments_821_2012-13.csv", "cp_plans_821_2012-13.csv", "early_help_821_2012-13.csv", "looked_after_821_2012-13.csv", "marac_821_2012-13.csv",
      "participation_821_2012-13.csv", "referrals_821_2012-13.csv", "s47_821_2012-13.csv", "service_episodes_821_2012-13.csv"
    ]);
  });

  it("in statutory mode takes referrals, assessments, s47, plans and care from the 903 and CIN files, the other four from Curve's layout, and never the crosswalk or README", () => {
    const inbox = join(root, "inbox-statutory");
    const files = assembleDemoInbox(demoFolder(), inbox, "statutory");
    expect(readdirSync(inbox).sort()).toEqual([
      "821_CIN_Census_2013.xml", "821_SSDA903_2013_Episodes.csv", "821_SSDA903_2013_Header.csv", "821_postcode_ward_lookup.csv", "821_ssd_address.csv",
      "early_help_821_2012-13.csv", "marac_821_2012-13.csv", "participation_821_2012-13.csv", "service_episodes_821_2012-13.csv"
    ]);
    expect(files.filter((f) => f.source === "statutory").map((f) => f.kind).sort()).toEqual(["cin-census", "postcode-lookup", "ssd:address", "ssda903:episodes", "ssda903:header"]);
  });

  it("gives a Curve-layout row the door's key for a child who is also in the statutory files, and leaves other keys alone", () => {
    const inbox = join(root, "inbox-rekeyed");
    assembleDemoInbox(demoFolder(), inbox, "statutory", {rekey: (la, id) => `door:${la}:${id}`});
    expect(readFileSync(join(inbox, "early_help_821_2012-13.csv"), "utf8")).toBe("caf_id,child_key,la_code\nC1,door:821:LUT0000001,821\nC2,bbbbbbbbbbbbbbbb,821\n");
    expect(readFileSync(join(inbox, "participation_821_2012-13.csv"), "utf8")).toBe("young_person_key,la_code\ndoor:821:LUT0000001,821\ncccccccccccccccc,821\n");
  });

  it("says what to do when statutory mode finds no statutory files", () => {
    const dir = demoFolder();
    rmSync(join(dir, "statutory"), {recursive: true});
    expect(() => assembleDemoInbox(dir, join(root, "inbox-none"), "statutory")).toThrow(/no statutory demo files; run npm run demo-data -- --force/);
  });

  it("chooses the input from CURVE_DEMO_INPUT over the configured value, defaulting to the statutory files, and refuses anything else", () => {
    expect(demoInput(undefined, {})).toBe("statutory");
    expect(demoInput("curve", {})).toBe("curve");
    expect(demoInput("statutory", {CURVE_DEMO_INPUT: "curve"})).toBe("curve");
    expect(() => demoInput(undefined, {CURVE_DEMO_INPUT: "903"})).toThrow(/CURVE_DEMO_INPUT must be curve or statutory, not "903"/);
  });
});
