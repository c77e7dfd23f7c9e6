import {existsSync, statSync} from "node:fs";
import {join} from "node:path";
import type {DuckDBConnection, DuckDBInstance} from "@duckdb/node-api";
import {currentVersion, openReadOnly, POINTER, queryRows, type Params} from "../pipelines/warehouse/store.js";

/**
 * The API's view of the published warehouse. Each request gets a connection to the version CURRENT
 * names; when a pipeline publishes a new version the next request opens it, and the old instance is
 * closed once its in-flight queries finish. So the API keeps answering through a pipeline run and
 * switches only to a complete version. `onVersion` hears of each version the API opens (the first, and
 * every newer one a run publishes, by the API's schedule or by hand).
 */
export class Warehouse {
  private instance: DuckDBInstance | null = null;
  private version: number | null = null;
  private pointerMtime = 0;
  private inFlight = new Map<DuckDBInstance, number>();
  private retired = new Set<DuckDBInstance>();

  constructor(readonly dir: string, private readonly options: {onVersion?: (version: number) => void} = {}) {}

  /** The published version number, or null before the first pipeline run. */
  async currentVersion(): Promise<number | null> {
    await this.refresh();
    return this.version;
  }

  private async refresh(): Promise<void> {
    const pointer = join(this.dir, POINTER);
    if (!existsSync(pointer)) return;
    const mtime = statSync(pointer).mtimeMs;
    if (this.instance && mtime === this.pointerMtime) return;
    const current = currentVersion({dir: this.dir});
    if (!current) return;
    this.pointerMtime = mtime;
    if (current.version === this.version) return;
    const next = await openReadOnly(current.path);
    const old = this.instance;
    this.instance = next;
    this.version = current.version;
    if (old) this.retire(old);
    this.options.onVersion?.(current.version);
  }

  private retire(instance: DuckDBInstance): void {
    this.retired.add(instance);
    if (!this.inFlight.get(instance)) this.close(instance);
  }

  private close(instance: DuckDBInstance): void {
    this.retired.delete(instance);
    this.inFlight.delete(instance);
    try {
      instance.closeSync();
    } catch {
      // already closed
    }
  }

  /** Run `fn` with a connection to the current version. Throws WarehouseUnavailable before the first publish. */
  async use<T>(fn: (conn: DuckDBConnection, version: number) => Promise<T>): Promise<T> {
    await this.refresh();
    const instance = this.instance;
    if (!instance || this.version === null) throw new WarehouseUnavailable();
    const version = this.version;
    this.inFlight.set(instance, (this.inFlight.get(instance) ?? 0) + 1);
    const conn = await instance.connect();
    try {
      return await fn(conn, version);
    } finally {
      conn.closeSync();
      const n = (this.inFlight.get(instance) ?? 1) - 1;
      this.inFlight.set(instance, n);
      if (n === 0 && this.retired.has(instance)) this.close(instance);
    }
  }

  query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    return this.use((conn) => queryRows<T>(conn, sql, params));
  }

  close_(): void {
    if (this.instance) this.close(this.instance);
    for (const r of this.retired) this.close(r);
    this.instance = null;
    this.version = null;
  }
}

export class WarehouseUnavailable extends Error {
  constructor() {
    super("No warehouse has been published yet: run the pipeline (npm run pipeline -- run).");
  }
}
