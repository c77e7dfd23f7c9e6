import {randomUUID} from "node:crypto";
import type {DuckDBConnection} from "@duckdb/node-api";
import type {AppStore} from "../appstore.js";
import {queryRows, run} from "../../pipelines/warehouse/store.js";

/**
 * Saved allocations in the app store (user-authored data that no pipeline run can touch). Rows are
 * append-only: saving an allocation under a name it already has makes the next version, so every
 * figure a board saw can be shown again exactly as it was.
 *
 * AppStore has no allocation methods yet (api/appstore.ts is owned elsewhere); this adapter goes
 * through the store's own serialised write queue and connection handling rather than opening the
 * DuckDB file a second time, which one process must not do. It should move into AppStore as
 * `saveAllocation`/`allocations`/`allocation` when that file is next changed.
 */

export interface SavedAllocation {
  id: string;
  name: string;
  version: number;
  author: string;
  note: string | null;
  createdAt: string;
  warehouseVersion: number | null;
  /** The request as validated (budget, need measure, weights, period, u, β). */
  request: Record<string, unknown>;
  /** The published allocation exactly as returned when it was saved. */
  result: Record<string, unknown>;
}

export type AllocationSummary = Omit<SavedAllocation, "result">;

interface Internals {
  write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
}

const TABLE = `CREATE TABLE IF NOT EXISTS allocations (
  id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, version INTEGER NOT NULL, author VARCHAR NOT NULL, note VARCHAR,
  created_at VARCHAR NOT NULL, warehouse_version INTEGER, request VARCHAR NOT NULL, result VARCHAR NOT NULL,
  UNIQUE (name, version))`;

interface Row {
  id: string; name: string; version: number; author: string; note: string | null; created_at: string;
  warehouse_version: number | null; request: string; result?: string;
}

const ready = new WeakMap<AppStore, Promise<void>>();

export class AllocationStore {
  private readonly inner: Internals;

  constructor(private readonly store: AppStore) {
    // Bracket access reaches AppStore's private queue: the only safe way to share its one read-write connection.
    this.inner = {write: (fn) => store["write"](fn), use: (fn) => store["use"](fn)};
  }

  /** The table is created through the write queue, once per store, so it never races a write. */
  private ensure(): Promise<void> {
    let p = ready.get(this.store);
    if (!p) {
      p = this.inner.write((conn) => run(conn, TABLE));
      p.catch(() => ready.delete(this.store));
      ready.set(this.store, p);
    }
    return p;
  }

  async save(a: Omit<SavedAllocation, "id" | "version">): Promise<SavedAllocation> {
    await this.ensure();
    return this.inner.write(async (conn) => {
      const prev = await queryRows<{version: number}>(conn, `SELECT max(version)::INTEGER AS version FROM allocations WHERE name = $1`, [a.name]);
      const version = (prev[0]?.version ?? 0) + 1;
      const id = `al-${randomUUID()}`;
      await run(conn, `INSERT INTO allocations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, a.name, version, a.author, a.note, a.createdAt, a.warehouseVersion, JSON.stringify(a.request), JSON.stringify(a.result)] as never);
      return {id, version, ...a};
    });
  }

  /** Every saved allocation (without its figures), newest first; `name` keeps one allocation's versions. */
  async list(filter: {name?: string} = {}): Promise<AllocationSummary[]> {
    await this.ensure();
    const rows = await this.inner.use((conn) => queryRows<Row>(conn,
      `SELECT id, name, version, author, note, created_at, warehouse_version, request FROM allocations
       ${filter.name !== undefined ? "WHERE name = $1" : ""} ORDER BY created_at DESC, name, version DESC`,
      (filter.name !== undefined ? [filter.name] : undefined) as never));
    return rows.map((r) => ({
      id: r.id, name: r.name, version: r.version, author: r.author, note: r.note, createdAt: r.created_at,
      warehouseVersion: r.warehouse_version, request: JSON.parse(r.request)
    }));
  }

  async get(id: string): Promise<SavedAllocation | null> {
    await this.ensure();
    const rows = await this.inner.use((conn) => queryRows<Row>(conn, `SELECT * FROM allocations WHERE id = $1`, [id] as never));
    if (!rows.length) return null;
    const r = rows[0];
    return {
      id: r.id, name: r.name, version: r.version, author: r.author, note: r.note, createdAt: r.created_at,
      warehouseVersion: r.warehouse_version, request: JSON.parse(r.request), result: JSON.parse(r.result as string)
    };
  }
}
