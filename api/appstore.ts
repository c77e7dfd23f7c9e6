import {mkdirSync} from "node:fs";
import {dirname} from "node:path";
import {randomUUID} from "node:crypto";
import type {DuckDBConnection, DuckDBInstance} from "@duckdb/node-api";
import {openReadWrite, queryRows, run} from "../pipelines/warehouse/store.js";

/**
 * The app store: user-authored data (frozen baselines, targets, annotations, narratives) in its own
 * read-write DuckDB file (config `appStore`, default data/app/curve-app.duckdb). No pipeline run opens
 * it, so reloading extracts can never change a frozen baseline or lose a narrative.
 *
 * DuckDB allows one read-write process per file: the API process owns it for its lifetime. Writes are
 * serialised through one queue, so "next version number" and the insert that uses it cannot race.
 * Rows are append-only: a narrative save is a new version, a baseline is never updated.
 */

export interface GeographyKey {
  geography: string;
  /** Area/ward id or target-ward set; "" for the borough default. */
  code: string;
}

export interface ForecastRow {
  period: string;
  mean: number;
  lower80: number | null;
  upper80: number | null;
  lower95: number | null;
  upper95: number | null;
}

export interface FrozenBaseline extends GeographyKey {
  id: string;
  name: string;
  indicator: string;
  period: string;
  asOf: string;
  /** What was asked for: a method name, or "hand-edited". */
  method: string;
  /** What produced the numbers (the chosen model, or "hand-edited") and why. */
  methodUsed: string;
  reason: string;
  handEdited: boolean;
  author: string;
  createdAt: string;
  warehouseVersion: number | null;
  polarity: string;
  unit: string;
  history: Record<string, unknown>[];
  forecast: ForecastRow[];
  warnings: string[];
}

export interface Target extends GeographyKey {
  id: string;
  indicator: string;
  period: string;
  value: number;
  author: string;
  note: string | null;
  createdAt: string;
}

export interface Annotation {
  id: string;
  from: string;
  to: string;
  indicator: string | null;
  geography: string | null;
  code: string | null;
  text: string;
  author: string;
  createdAt: string;
}

export interface NarrativeContent {
  story: {cause: string; priority: number}[];
  partners: string[];
  whatWorks: {idea: string; lowCost: boolean}[];
  actionPlan: {action: string; owner?: string; due?: string}[];
}

export interface NarrativeVersion {
  version: number;
  author: string;
  savedAt: string;
  content: NarrativeContent;
  /** Which parts changed from the previous version (all of them for version 1). */
  changed: (keyof NarrativeContent)[];
  message: string | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS baselines (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, indicator VARCHAR NOT NULL, geography VARCHAR NOT NULL, code VARCHAR NOT NULL,
    period VARCHAR NOT NULL, as_of VARCHAR NOT NULL, method VARCHAR NOT NULL, method_used VARCHAR NOT NULL, reason VARCHAR,
    hand_edited BOOLEAN NOT NULL, author VARCHAR NOT NULL, created_at VARCHAR NOT NULL, warehouse_version INTEGER,
    polarity VARCHAR, unit VARCHAR, history VARCHAR NOT NULL, forecast VARCHAR NOT NULL, warnings VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS targets (
    id VARCHAR PRIMARY KEY, indicator VARCHAR NOT NULL, geography VARCHAR NOT NULL, code VARCHAR NOT NULL, period VARCHAR NOT NULL,
    value DOUBLE NOT NULL, author VARCHAR NOT NULL, note VARCHAR, created_at VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS annotations (
    id VARCHAR PRIMARY KEY, date_from VARCHAR NOT NULL, date_to VARCHAR NOT NULL, indicator VARCHAR, geography VARCHAR, code VARCHAR,
    text VARCHAR NOT NULL, author VARCHAR NOT NULL, created_at VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS narrative_versions (
    indicator VARCHAR NOT NULL, geography VARCHAR NOT NULL, code VARCHAR NOT NULL, version INTEGER NOT NULL,
    author VARCHAR NOT NULL, saved_at VARCHAR NOT NULL, content VARCHAR NOT NULL, changed VARCHAR NOT NULL, message VARCHAR,
    PRIMARY KEY (indicator, geography, code, version))`
];

interface BaselineRow {
  id: string; name: string; indicator: string; geography: string; code: string; period: string; as_of: string; method: string;
  method_used: string; reason: string | null; hand_edited: boolean; author: string; created_at: string; warehouse_version: number | null;
  polarity: string | null; unit: string | null; history: string; forecast: string; warnings: string;
}

const toBaseline = (r: BaselineRow): FrozenBaseline => ({
  id: r.id, name: r.name, indicator: r.indicator, geography: r.geography, code: r.code, period: r.period, asOf: r.as_of,
  method: r.method, methodUsed: r.method_used, reason: r.reason ?? "", handEdited: r.hand_edited, author: r.author,
  createdAt: r.created_at, warehouseVersion: r.warehouse_version, polarity: r.polarity ?? "", unit: r.unit ?? "",
  history: JSON.parse(r.history), forecast: JSON.parse(r.forecast), warnings: JSON.parse(r.warnings)
});

export class AppStore {
  private instance: Promise<DuckDBInstance> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Counts committed writes, so a cached response built on older user-authored data is never served. */
  revision = 0;

  constructor(readonly path: string) {}

  private open(): Promise<DuckDBInstance> {
    if (!this.instance) {
      this.instance = (async () => {
        if (this.path !== ":memory:") mkdirSync(dirname(this.path), {recursive: true});
        const db = await openReadWrite(this.path);
        const conn = await db.connect();
        try {
          for (const sql of SCHEMA) await run(conn, sql);
        } finally {
          conn.closeSync();
        }
        return db;
      })();
      this.instance.catch(() => {
        this.instance = null;
      });
    }
    return this.instance;
  }

  private async use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const db = await this.open();
    const conn = await db.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Writes run one at a time, each in its own transaction. */
  private write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.use(async (conn) => {
      await run(conn, "BEGIN TRANSACTION");
      try {
        const out = await fn(conn);
        await run(conn, "COMMIT");
        this.revision++;
        return out;
      } catch (e) {
        await run(conn, "ROLLBACK").catch(() => undefined);
        throw e;
      }
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.use((conn) => queryRows<T>(conn, sql, params as never));
  }

  // ------------------------------------------------------------ baselines

  async freezeBaseline(b: Omit<FrozenBaseline, "id">): Promise<FrozenBaseline> {
    const id = `bl-${randomUUID()}`;
    await this.write((conn) => run(conn,
      `INSERT INTO baselines VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [id, b.name, b.indicator, b.geography, b.code, b.period, b.asOf, b.method, b.methodUsed, b.reason, b.handEdited, b.author,
        b.createdAt, b.warehouseVersion, b.polarity, b.unit, JSON.stringify(b.history), JSON.stringify(b.forecast), JSON.stringify(b.warnings)] as never));
    return {id, ...b};
  }

  async baseline(id: string): Promise<FrozenBaseline | null> {
    const rows = await this.read<BaselineRow>(`SELECT * FROM baselines WHERE id = $1`, [id]);
    return rows.length ? toBaseline(rows[0]) : null;
  }

  async baselines(filter: {indicator?: string; geography?: string; code?: string} = {}): Promise<FrozenBaseline[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.indicator) where.push(`indicator = $${params.push(filter.indicator)}`);
    if (filter.geography) where.push(`geography = $${params.push(filter.geography)}`);
    if (filter.code !== undefined) where.push(`code = $${params.push(filter.code)}`);
    const rows = await this.read<BaselineRow>(`SELECT * FROM baselines ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id`, params);
    return rows.map(toBaseline);
  }

  // ------------------------------------------------------------ targets

  async addTarget(t: Omit<Target, "id">): Promise<Target> {
    const id = `tg-${randomUUID()}`;
    await this.write((conn) => run(conn, `INSERT INTO targets VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, t.indicator, t.geography, t.code, t.period, t.value, t.author, t.note, t.createdAt] as never));
    return {id, ...t};
  }

  /** Targets, newest first; the same indicator × geography × period set twice keeps both (the newest applies). */
  async targets(filter: {indicator?: string; geography?: string; code?: string} = {}): Promise<Target[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.indicator) where.push(`indicator = $${params.push(filter.indicator)}`);
    if (filter.geography) where.push(`geography = $${params.push(filter.geography)}`);
    if (filter.code !== undefined) where.push(`code = $${params.push(filter.code)}`);
    const rows = await this.read<{id: string; indicator: string; geography: string; code: string; period: string; value: number; author: string; note: string | null; created_at: string}>(
      `SELECT * FROM targets ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id`, params);
    return rows.map((r) => ({id: r.id, indicator: r.indicator, geography: r.geography, code: r.code, period: r.period, value: r.value, author: r.author, note: r.note, createdAt: r.created_at}));
  }

  // ------------------------------------------------------------ annotations

  async addAnnotation(a: Omit<Annotation, "id">): Promise<Annotation> {
    const id = `an-${randomUUID()}`;
    await this.write((conn) => run(conn, `INSERT INTO annotations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, a.from, a.to, a.indicator, a.geography, a.code, a.text, a.author, a.createdAt] as never));
    return {id, ...a};
  }

  /**
   * Annotations in scope: an annotation without an indicator (or geography) applies to all of them;
   * `from`/`to` keep those overlapping the range.
   */
  async annotations(filter: {indicator?: string; geography?: string; code?: string; from?: string; to?: string} = {}): Promise<Annotation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.indicator) where.push(`(indicator IS NULL OR indicator = $${params.push(filter.indicator)})`);
    if (filter.geography) where.push(`(geography IS NULL OR geography = $${params.push(filter.geography)})`);
    if (filter.code !== undefined) where.push(`(code IS NULL OR code = $${params.push(filter.code)})`);
    if (filter.from) where.push(`date_to >= $${params.push(filter.from)}`);
    if (filter.to) where.push(`date_from <= $${params.push(filter.to)}`);
    const rows = await this.read<{id: string; date_from: string; date_to: string; indicator: string | null; geography: string | null; code: string | null; text: string; author: string; created_at: string}>(
      `SELECT * FROM annotations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY date_from, created_at, id`, params);
    return rows.map((r) => ({id: r.id, from: r.date_from, to: r.date_to, indicator: r.indicator, geography: r.geography, code: r.code, text: r.text, author: r.author, createdAt: r.created_at}));
  }

  // ------------------------------------------------------------ narratives

  /** Saves a new version (never overwrites); returns it with what changed since the previous one. */
  async saveNarrative(key: {indicator: string} & GeographyKey, content: NarrativeContent, author: string, savedAt: string, message: string | null): Promise<NarrativeVersion> {
    return this.write(async (conn) => {
      const prev = await queryRows<{version: number; content: string}>(conn,
        `SELECT version, content FROM narrative_versions WHERE indicator = $1 AND geography = $2 AND code = $3 ORDER BY version DESC LIMIT 1`,
        [key.indicator, key.geography, key.code] as never);
      const version = (prev[0]?.version ?? 0) + 1;
      const before = prev[0] ? (JSON.parse(prev[0].content) as NarrativeContent) : null;
      const parts = ["story", "partners", "whatWorks", "actionPlan"] as const;
      const changed = parts.filter((p) => !before || JSON.stringify(before[p]) !== JSON.stringify(content[p]));
      await run(conn, `INSERT INTO narrative_versions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [key.indicator, key.geography, key.code, version, author, savedAt, JSON.stringify(content), JSON.stringify(changed), message] as never);
      return {version, author, savedAt, content, changed, message};
    });
  }

  /** Every version, newest first. */
  async narrativeHistory(key: {indicator: string} & GeographyKey): Promise<NarrativeVersion[]> {
    const rows = await this.read<{version: number; author: string; saved_at: string; content: string; changed: string; message: string | null}>(
      `SELECT version, author, saved_at, content, changed, message FROM narrative_versions
       WHERE indicator = $1 AND geography = $2 AND code = $3 ORDER BY version DESC`, [key.indicator, key.geography, key.code]);
    return rows.map((r) => ({version: r.version, author: r.author, savedAt: r.saved_at, content: JSON.parse(r.content), changed: JSON.parse(r.changed), message: r.message}));
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.instance) {
      const db = await this.instance.catch(() => null);
      db?.closeSync();
      this.instance = null;
    }
  }
}
