import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {deserialize, serialize} from "node:v8";
import {afterAll, afterEach, describe, expect, it, vi} from "vitest";
import {cinCensusImporter} from "../../../pipelines/door/cin-census.js";
import {CIN_NEED_CONCERNS_FILE} from "../../../pipelines/door/cin-concern-map.js";
import {IDENTIFIED_CODEC, openDoor, type DoorResult, type Identified} from "../../../pipelines/door/door.js";
import {ChildKeys} from "../../../pipelines/door/identity.js";
import {readPostcodeLookup} from "../../../pipelines/door/postcodes.js";
import {ReadCache} from "../../../pipelines/door/read-cache.js";
import {splitInbox} from "../../../pipelines/door/run-step.js";
import {inspectFile} from "../../../pipelines/load/inspect.js";
import {SSDA903_IMPORTERS} from "../../../pipelines/door/ssda903/importer.js";
import {dropReturn, FIXTURES, leaks, RETURN_2013, RETURN_2014} from "./fixtures.js";

/**
 * The door's read cache (pipelines/door/read-cache.ts): a run that must read every kept return
 * again (a new year's return completes earlier years) replays the earlier files' reads instead of
 * parsing and keying them. What it stages must be exactly what reading the files stages.
 */

const root = mkdtempSync(join(tmpdir(), "curve-read-cache-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));
afterEach(() => vi.restoreAllMocks());

/** An inbox with two 903 returns and a CIN census whose wards come from its SSD address table. */
function inbox(name: string): string {
  const dir = join(root, name, "inbox");
  dropReturn(dir, "looked-after-first", RETURN_2013);
  dropReturn(dir, "looked-after-second", RETURN_2014);
  cpSync(join(FIXTURES, "cin821"), join(dir, "cin821"), {recursive: true});
  return dir;
}

interface Run {
  cacheDir?: string;
  key?: number;
  asOf?: string;
  lookup?: string;
}

/** The door's modules: this file's, or a fresh instance (as a new process loads them). */
interface DoorModules {
  openDoor: typeof openDoor;
  ReadCache: typeof ReadCache;
  IDENTIFIED_CODEC: typeof IDENTIFIED_CODEC;
}

let runs = 0;
async function door(dir: string, run: Run = {}, modules: DoorModules = {openDoor, ReadCache, IDENTIFIED_CODEC}): Promise<DoorResult> {
  const paths = splitInbox(dir).other;
  const lookupPath = run.lookup ?? join(FIXTURES, "postcode-wards.csv");
  const keys = new ChildKeys(Buffer.alloc(32, run.key ?? 7));
  const sha256Of = async (p: string) => (await inspectFile(p)).sha256;
  const salt = async () => JSON.stringify([keys.fingerprint(), await sha256Of(lookupPath)]);
  return modules.openDoor(paths, {
    inbox: dir, defaultLa: "821", asOf: new Date(run.asOf ?? "2026-01-10T12:00:00Z"),
    keys: () => keys, postcodes: await readPostcodeLookup([lookupPath]), stageDir: join(root, `stage-${++runs}`),
    readCache: run.cacheDir ? {store: new modules.ReadCache(run.cacheDir, salt, modules.IDENTIFIED_CODEC), sha256Of} : undefined
  });
}

/** What a door run gives, independent of where it staged: each staged extract's rows, warnings and held rows, and each file's outcome. */
function given(result: DoorResult) {
  const staged = result.staged.map((g) => ({name: basename(g.path), rows: g.rows, csv: readFileSync(g.path, "utf8"), warnings: g.warnings, held: g.held}))
    .sort((a, b) => a.name.localeCompare(b.name));
  const outcomes = [...result.outcomes].sort((a, b) => a.file.localeCompare(b.file));
  result.cleanup();
  return {staged, outcomes};
}

const entries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".bin")).sort();
const episodesReader = () => SSDA903_IMPORTERS.find((i) => i.describe.includes("Episodes"))!;

describe("the door's read cache", () => {
  it("replays a return's reads without reading its files, and stages exactly what reading them stages", async () => {
    const dir = inbox("same");
    const cacheDir = join(root, "same-cache");
    const fromSource = given(await door(dir));
    expect(fromSource.staged.some((g) => g.name.startsWith("looked_after_821"))).toBe(true);
    expect(fromSource.staged.some((g) => /^(referrals|assessments)_821/.test(g.name))).toBe(true);
    // The census takes its wards from the address table: a ward the cache must carry through (it keeps no postcode).
    expect(fromSource.staged.filter((g) => g.name.startsWith("referrals_821")).some((g) => g.csv.includes(",biscot,"))).toBe(true);

    const cold = given(await door(dir, {cacheDir}));
    expect(cold).toEqual(fromSource);
    expect(entries(cacheDir).length).toBeGreaterThanOrEqual(3);

    const cin = vi.spyOn(cinCensusImporter, "read");
    const episodes = vi.spyOn(episodesReader(), "read");
    const warm = given(await door(dir, {cacheDir}));
    expect(cin).not.toHaveBeenCalled();
    expect(episodes).not.toHaveBeenCalled();
    expect(warm).toEqual(fromSource);
  });

  it("reads a file again when its content, the child key or the postcode lookup changes, never replaying a stale read", async () => {
    const dir = inbox("changes");
    const cacheDir = join(root, "changes-cache");
    await door(dir, {cacheDir}).then(given);
    const cin = vi.spyOn(cinCensusImporter, "read");

    const otherKey = given(await door(dir, {cacheDir, key: 9}));
    expect(cin).toHaveBeenCalledTimes(1);
    expect(otherKey).toEqual(given(await door(dir, {key: 9})));

    const lookup = join(root, "other-lookup.csv");
    writeFileSync(lookup, readFileSync(join(FIXTURES, "postcode-wards.csv"), "utf8").split("\n").slice(0, 2).join("\n") + "\n");
    const otherLookup = given(await door(dir, {cacheDir, key: 9, lookup}));
    expect(cin).toHaveBeenCalledTimes(3); // the uncached comparison above read it once too
    expect(otherLookup).toEqual(given(await door(dir, {key: 9, lookup})));

    const census = join(dir, "cin821", "cin-census-2012-13.xml");
    writeFileSync(census, readFileSync(census, "utf8").replace("<ReferralSource>", "<!-- resent --><ReferralSource>"));
    cin.mockClear();
    await door(dir, {cacheDir, key: 9, lookup}).then(given);
    expect(cin).toHaveBeenCalledTimes(1);
  });

  it("keys every read anew when the CIN need-code → concern table is edited, so no read mapped by the old table is replayed", async () => {
    const dir = inbox("need-codes");
    const cacheDir = join(root, "need-codes-cache");
    const fromSource = given(await door(dir));
    await door(dir, {cacheDir}).then(given);
    const before = entries(cacheDir);
    // A council's edit: N0 read as "homeless" instead of what the shipped table says.
    const table = JSON.parse(readFileSync(CIN_NEED_CONCERNS_FILE, "utf8"));
    const edited = join(root, "cin-need-concerns.json");
    writeFileSync(edited, JSON.stringify({...table, concernByNeedCode: {...table.concernByNeedCode, N0: "homeless"}}));
    // The table is read once a process: a fresh door module, as the next run's process has, that finds the edited file.
    vi.resetModules();
    vi.doMock("../../../pipelines/door/cin-concern-map.js", async (original) => ({...(await original<object>()), CIN_NEED_CONCERNS_FILE: edited}));
    try {
      const next = await import("../../../pipelines/door/door.js");
      const {ReadCache: NextCache} = await import("../../../pipelines/door/read-cache.js");
      const result = await door(dir, {cacheDir}, {openDoor: next.openDoor, ReadCache: NextCache, IDENTIFIED_CODEC: next.IDENTIFIED_CODEC});
      expect(given(result)).toEqual(fromSource);
    } finally {
      vi.doUnmock("../../../pipelines/door/cin-concern-map.js");
      vi.resetModules();
    }
    const after = entries(cacheDir);
    expect(after.length).toBe(before.length);
    expect(after.filter((e) => before.includes(e))).toEqual([]);
  });

  it("keeps a 903 read for the day it was made (its checks compare dates with today), and a census read across days", async () => {
    const dir = inbox("days");
    const cacheDir = join(root, "days-cache");
    await door(dir, {cacheDir, asOf: "2026-01-10T08:00:00Z"}).then(given);
    const cin = vi.spyOn(cinCensusImporter, "read");
    const episodes = vi.spyOn(episodesReader(), "read");
    await door(dir, {cacheDir, asOf: "2026-01-10T18:00:00Z"}).then(given);
    expect(episodes).not.toHaveBeenCalled();
    await door(dir, {cacheDir, asOf: "2026-01-11T08:00:00Z"}).then(given);
    expect(episodes).toHaveBeenCalledTimes(2);
    expect(cin).not.toHaveBeenCalled();
  });

  it("reads a damaged entry from source instead of replaying part of it", async () => {
    const dir = inbox("damaged");
    const cacheDir = join(root, "damaged-cache");
    const fromSource = given(await door(dir));
    await door(dir, {cacheDir}).then(given);
    for (const e of entries(cacheDir)) {
      const bytes = readFileSync(join(cacheDir, e));
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      writeFileSync(join(cacheDir, e), bytes);
    }
    const cin = vi.spyOn(cinCensusImporter, "read");
    expect(given(await door(dir, {cacheDir}))).toEqual(fromSource);
    expect(cin).toHaveBeenCalledTimes(1);
  });

  it("never fails a read when it cannot write (here its folder is a file): the return is staged as from source", async () => {
    const dir = inbox("unwritable");
    const cacheDir = join(root, "unwritable-cache");
    writeFileSync(cacheDir, "not a folder\n");
    const fromSource = given(await door(dir));
    expect(given(await door(dir, {cacheDir}))).toEqual(fromSource);
    expect(readFileSync(cacheDir, "utf8")).toBe("not a folder\n");
  });

  it("holds child keys and wards, never a child id, UPN, date of birth or postcode", async () => {
    const dir = inbox("identifiers");
    cpSync(join(FIXTURES, "ssd"), join(dir, "ssd"), {recursive: true});
    const cacheDir = join(root, "identifiers-cache");
    const result = given(await door(dir, {cacheDir}));
    const text = entries(cacheDir).map((e) => readFileSync(join(cacheDir, e)).toString("latin1")).join("\n");
    const aKey = /\b[0-9a-f]{32}\b/.exec(result.staged.map((g) => g.csv).join("\n"))![0];
    expect(text).toContain(aKey); // searchable: the keys are there as text
    expect(leaks(text)).toEqual([]);
  });

  it("keeps only the reads of the latest run, so a file taken out of the inbox leaves nothing behind", async () => {
    const dir = inbox("prune");
    const cacheDir = join(root, "prune-cache");
    await door(dir, {cacheDir}).then(given);
    const before = entries(cacheDir);
    rmSync(join(dir, "cin821"), {recursive: true});
    await door(dir, {cacheDir}).then(given);
    const after = entries(cacheDir);
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((e) => before.includes(e))).toBe(true);
  });
});

describe("the read cache's frames", () => {
  it("decode to the very records written, held rows and nulls included, in their order", () => {
    const items: Identified[] = [
      {type: "referrals", values: {referral_id: "a1", ward: null, source: "5A"}, origin: {file: "821/cin.xml", row: 1}},
      {held: {file: "821/cin.xml", row: 2, field: "child id", rule: "missing-child-id", message: "row 2 has no child id"}},
      {type: "assessments", values: {assessment_id: "b1", completion_date: null}, origin: {file: "821/cin.xml", row: 3}},
      {type: "referrals", values: {referral_id: "a2", ward: "biscot", source: "1A"}, origin: {file: "821/other.xml", row: 4}}
    ];
    const frame = IDENTIFIED_CODEC.encode(items) as {shapes: unknown[]; files: unknown[]};
    expect(frame.shapes).toHaveLength(2);
    expect(frame.files).toHaveLength(2);
    expect(IDENTIFIED_CODEC.decode(deserialize(serialize(frame)))).toEqual(items);
  });
});
