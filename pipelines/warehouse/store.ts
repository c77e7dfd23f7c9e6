import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, fsyncSync} from "node:fs";
import {join} from "node:path";
import {DuckDBConnection, DuckDBInstance, type DuckDBValue} from "@duckdb/node-api";

/**
 * The warehouse is an artefact: each pipeline run builds a new version file beside the live one and
 * publishes it by atomically replacing a one-line pointer file (CURRENT). Readers open the version
 * CURRENT names, read-only, and reopen when it changes. A crash at any moment leaves CURRENT naming
 * the last complete version; half-built files are never named by it and are swept by the next run.
 */

export interface WarehouseLayout {
  dir: string;
}

export const POINTER = "CURRENT";
const VERSION_FILE = /^v(\d{6})\.duckdb$/;

export function currentVersion(layout: WarehouseLayout): {version: number; path: string} | null {
  const pointer = join(layout.dir, POINTER);
  if (!existsSync(pointer)) return null;
  const name = readFileSync(pointer, "utf8").trim();
  const m = VERSION_FILE.exec(name);
  if (!m || !existsSync(join(layout.dir, name))) return null;
  return {version: Number(m[1]), path: join(layout.dir, name)};
}

export function versionFileName(version: number): string {
  return `v${String(version).padStart(6, "0")}.duckdb`;
}

/** The directory of a version's Parquet facts (parquet/v000042 beside v000042.duckdb), swept with it. */
export function parquetDirOf(warehouseDir: string, version: number): string {
  return join(warehouseDir, "parquet", versionFileName(version).replace(".duckdb", ""));
}

/** Atomically point readers at a new version: write a temp file, fsync, rename over the pointer. */
export function publishVersion(layout: WarehouseLayout, version: number): void {
  const tmp = join(layout.dir, `${POINTER}.tmp`);
  const fd = openSync(tmp, "w");
  writeSync(fd, versionFileName(version) + "\n");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(layout.dir, POINTER));
}

/** The directory of the disclosure plans solved on a version (plans/v000042, api/plan-store.ts), swept with it. */
export function planDirOf(warehouseDir: string, version: number): string {
  return join(warehouseDir, "plans", versionFileName(version).replace(".duckdb", ""));
}

/**
 * Remove half-built files and all but the newest `keep` published versions, each with its Parquet
 * directory (`parquet/vNNNNNN/`) and disclosure plans (`plans/vNNNNNN/`); such a directory whose
 * version file is gone (swept, or a run killed before it published) goes too.
 */
export function sweep(layout: WarehouseLayout, keep = 3): string[] {
  if (!existsSync(layout.dir)) return [];
  const current = currentVersion(layout);
  const removed: string[] = [];
  for (const f of readdirSync(layout.dir)) {
    if (/\.building(\.wal)?$/.test(f) || /^v\d{6}\.duckdb\.wal$/.test(f)) {
      rmSync(join(layout.dir, f), {force: true});
      removed.push(f);
    }
  }
  const versions = readdirSync(layout.dir)
    .map((f) => VERSION_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const v of versions.slice(keep)) {
    if (current && v === current.version) continue;
    rmSync(join(layout.dir, versionFileName(v)), {force: true});
    removed.push(versionFileName(v));
  }
  for (const kind of ["parquet", "plans"]) {
    const under = join(layout.dir, kind);
    if (!existsSync(under)) continue;
    for (const d of readdirSync(under)) {
      if (/^v\d{6}$/.test(d) && !existsSync(join(layout.dir, `${d}.duckdb`))) {
        rmSync(join(under, d), {recursive: true, force: true});
        removed.push(`${kind}/${d}`);
      }
    }
  }
  return removed;
}

/**
 * One pipeline run at a time, across processes (the server's scheduler and a CLI run). The lock file
 * holds the owner's pid; a lock left by a process that no longer exists (kill -9) is taken over.
 */
export function acquireLock(layout: WarehouseLayout): {release: () => void} | {heldBy: number} {
  mkdirSync(layout.dir, {recursive: true});
  const path = join(layout.dir, ".lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {release: () => rmSync(path, {force: true})};
    } catch {
      const pid = Number(readFileSync(path, "utf8").trim());
      if (pid && isAlive(pid)) return {heldBy: pid};
      rmSync(path, {force: true});
    }
  }
  return {heldBy: -1};
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  renameSync(tmp, path);
}

// ---------- DuckDB helpers (one way to run a query and get plain rows) ----------

export type Params = Record<string, DuckDBValue> | DuckDBValue[];

/** Rows as plain JSON objects. BIGINT/DECIMAL come back as strings: cast in SQL where numbers are wanted. */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = params ? await conn.runAndReadAll(sql, params as never) : await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as T[];
}

export async function run(conn: DuckDBConnection, sql: string, params?: Params): Promise<void> {
  if (params) await conn.run(sql, params as never);
  else await conn.run(sql);
}

/** A hardened read-only instance: the API can never write the warehouse or reach outside it. */
export async function openReadOnly(path: string): Promise<DuckDBInstance> {
  return DuckDBInstance.create(path, {
    access_mode: "READ_ONLY",
    enable_external_access: "false",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    lock_configuration: "true"
  });
}

export async function openReadWrite(path: string): Promise<DuckDBInstance> {
  return DuckDBInstance.create(path, {autoinstall_known_extensions: "false", autoload_known_extensions: "false"});
}
