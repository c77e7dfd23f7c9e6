import {existsSync, readdirSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, relative} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {parseExtractName} from "../contracts/extracts.js";
import {loadExtractFile, refusedResult, type LoadContext, type LoadResult} from "../load/extract.js";
import {sha256Once} from "../load/inspect.js";
import {ReadCache} from "./read-cache.js";
import {fyOfDay} from "../../shared/calendar.js";
import {queryRows, run} from "../warehouse/store.js";
import {IDENTIFIED_CODEC, loadedYear, openDoor, stageDirFor, type DoorOutcome} from "./door.js";
import {childKeyPath, ChildKeys, loadChildKey} from "./identity.js";
import {isLookupHeader, readPostcodeLookup} from "./postcodes.js";
import {probeFile} from "./sniff.js";

/**
 * The door's step in a pipeline run: statutory files in the inbox are recognised, converted and
 * staged, then loaded through the same loader as Curve's own extracts. Kept apart from run.ts so the
 * run's own loop is unchanged for Curve-layout files.
 */

export const POSTCODE_LOOKUP_FILE = "postcode-wards.csv";

export interface InboxSplit {
  /** Top-level files named <type>_<la>_<YYYY-YY>.csv: Curve's own layout, loaded as before. */
  curve: string[];
  /** Everything else (any name, any depth): recognised by content. */
  other: string[];
}

export function splitInbox(inbox: string): InboxSplit {
  if (!existsSync(inbox)) return {curve: [], other: []};
  const curve: string[] = [];
  const other: string[] = [];
  const walk = (dir: string, top: boolean) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const path = join(dir, name);
      // A Curve-layout name at the top level belongs to the inbox screen (pipelines/load/inbox.ts),
      // even when it is a directory or a broken link wearing that name: it refuses those by name.
      if (top && !("error" in parseExtractName(name))) {
        curve.push(path);
        continue;
      }
      let directory = false;
      try {
        directory = statSync(path).isDirectory();
      } catch {
        // A broken link or an entry it may not stat: the door refuses it by name when it cannot read it.
      }
      if (directory) walk(path, false);
      else other.push(path);
    }
  };
  walk(inbox, true);
  return {curve, other};
}

export interface StatutoryOptions {
  inbox: string;
  referenceDir: string;
  defaultLa?: string | null;
  childKeyFile?: string | null;
  /** sha256 of inbox files already hashed in this run, by path: each file is hashed once. */
  sha256?: Map<string, string>;
  /** Where the door keeps its reads between runs (beside the warehouse), or none. */
  readCacheDir?: string | null;
}

export interface StatutoryResult {
  results: LoadResult[];
  outcomes: DoorOutcome[];
  /** Top-level CSVs no importer recognised: the Curve loader refuses them with its naming message. */
  unrecognisedCsv: string[];
}

export async function loadStatutory(conn: DuckDBConnection, paths: string[], ctx: LoadContext, options: StatutoryOptions,
  onResult: (r: LoadResult) => Promise<void> | void = () => undefined): Promise<StatutoryResult> {
  const lookups: string[] = [];
  const candidates: string[] = [];
  const unrecognisedCsv: string[] = [];
  for (const p of paths) {
    let probe;
    try {
      probe = await probeFile(p);
    } catch (err) {
      // A broken link or an unreadable entry: refused by name, and the rest of the inbox still loads.
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      await onResult(refusedResult(relative(options.inbox, p), `${relative(options.inbox, p)} cannot be read (${code === "ENOENT" ? "it is a link to nothing" : code === "EACCES" ? "permission denied" : code}); nothing was loaded`));
      continue;
    }
    if (probe.kind === "csv" && isLookupHeader(probe.header)) lookups.push(p);
    else candidates.push(p);
  }
  const referenceLookup = join(options.referenceDir, POSTCODE_LOOKUP_FILE);
  if (existsSync(referenceLookup)) lookups.unshift(referenceLookup);
  const postcodes = lookups.length ? await readPostcodeLookup(lookups) : null;
  let keys: ChildKeys | null = null;
  const held = await queryRows<{t: string; la: string; y: number}>(conn,
    `SELECT DISTINCT extract_type AS t, la_code AS la, collection_year AS y FROM extract_loads WHERE rows_loaded > 0 AND collection_year IS NOT NULL`);
  const hashes = options.sha256 ?? new Map<string, string>();
  const sha256Of = (path: string) => sha256Once(hashes, path);
  const childKeys = () => (keys ??= new ChildKeys(loadChildKey(childKeyPath(options.childKeyFile))));
  // Every read depends on the key and the lookup; asked for only when a return is read, so a run without one never creates the key.
  const salt = async () => JSON.stringify([childKeys().fingerprint(), await Promise.all(lookups.map(sha256Of))]);
  const door = await openDoor(candidates, {
    loaded: new Set(held.map((h) => loadedYear(h.t, h.la, h.y))),
    inbox: options.inbox, defaultLa: options.defaultLa ?? null, asOf: ctx.asOf, postcodes,
    keys: childKeys,
    readCache: options.readCacheDir ? {store: new ReadCache(options.readCacheDir, salt, IDENTIFIED_CODEC), sha256Of} : undefined,
    stageDir: stageDirFor(tmpdir(), ctx.runId)
  });
  const results: LoadResult[] = [];
  try {
    for (const g of door.staged) {
      const result = await loadExtractFile(conn, g.path, ctx, {file: g.sources.join(" + "), held: g.held, warnings: g.warnings});
      results.push(result);
      await onResult(result);
    }
  } finally {
    door.cleanup();
  }
  const outcomes = door.outcomes.filter((o) => {
    // A top-level CSV nobody recognised goes back to the Curve loader, which explains the naming rule.
    const unrecognised = o.format === null && /\.csv(\.gz)?$/i.test(o.file) && !o.file.includes("/");
    if (unrecognised) unrecognisedCsv.push(join(options.inbox, o.file));
    return !unrecognised;
  });
  const read: string[] = [];
  for (const o of outcomes.filter((o) => o.outcome !== "refused")) {
    const sha256 = await sha256Of(join(options.inbox, o.file));
    await run(conn, `INSERT INTO door_sources VALUES ($1, $2, $3, $4, $5, $6, $7)`, [sha256, o.file, o.format, o.la, o.year, o.outcome, ctx.runId]);
    read.push(sha256);
  }
  for (const l of lookups.filter((l) => l !== referenceLookup)) {
    const sha256 = await sha256Of(l);
    await run(conn, `INSERT INTO door_sources VALUES ($1, $2, 'postcode-lookup', NULL, NULL, 'used', $3)`, [sha256, l.slice(options.inbox.length + 1), ctx.runId]);
    read.push(sha256);
  }
  // The files this version's returns were staged from, together: a return's years depend on the
  // later returns read beside it, so a file put back in the inbox must be read again (see readPublished).
  await run(conn, `INSERT OR REPLACE INTO meta VALUES ('door_read_sha256', $1)`, [JSON.stringify(read.sort())]);
  await run(conn, `INSERT OR REPLACE INTO meta VALUES ('door_read_fy', $1)`, [String(fyOfDay(ctx.asOf))]);
  return {results, outcomes, unrecognisedCsv};
}
