import {createHash} from "node:crypto";
import type {Params} from "../pipelines/warehouse/store.js";
import type {Lattice} from "./oba/lattice.js";
import type {PlanInputs, Reader} from "./oba/query.js";
import {keptPlan} from "./plan-store.js";
import type {Reference} from "./reference.js";
import type {Warehouse} from "./warehouse.js";

/** Disclosure plans kept at most (the largest are tens of thousands of cells); the oldest go first. */
const PLAN_LIMIT = 256;
/** Computed results kept at most (each a few kB: one row or cell per ward); the least recently used go first. */
const COMPUTATION_LIMIT = 2048;

/**
 * Results of costly pure computations by their exact inputs: seeded simulations (rank intervals, the
 * need index) and a ward table's own disclosure protection, which every request for a ward table,
 * summary or profile would otherwise work out again. Each is a function of its inputs alone, so a
 * result is right for as long as the app runs, on any warehouse version; what changes with the data
 * is the inputs, hence the key. Bounded, because some inputs are the caller's to choose (the seed):
 * a stream of new seeds evicts old results instead of growing memory.
 */
export class Computations {
  private results = new Map<string, unknown>();

  constructor(private readonly limit = COMPUTATION_LIMIT) {}

  get size(): number {
    return this.results.size;
  }

  /** `run()`'s result for these inputs, computed once while it stays among the `limit` most recently used. */
  of<T>(name: string, inputs: unknown, run: () => T): T {
    const key = `${name}|${createHash("sha256").update(JSON.stringify(inputs)).digest("base64")}`;
    if (this.results.has(key)) {
      const hit = this.results.get(key) as T;
      this.results.delete(key);
      this.results.set(key, hit);
      return hit;
    }
    const result = run();
    this.results.set(key, result);
    while (this.results.size > this.limit) this.results.delete(this.results.keys().next().value as string);
    return result;
  }
}

/**
 * What the app works out once per published warehouse version and keeps: reference look-ups, the load
 * register, provider episodes, disclosure plans — anything every request on that version would
 * otherwise ask again. A version never changes, so an entry is right until the next version is
 * published; the first request on a newer version drops every entry of the older one. One cache per
 * app (createApi makes it unless given one), passed down with the warehouse like any other I/O: two
 * apps never share entries, and a test starts clean by making a new one instead of clearing module state.
 * What does not depend on the warehouse (the reference files) is kept for the app's lifetime by its
 * Reference (api/reference.ts).
 */
export class AppCache {
  private current: number | null = null;
  private entries = new Map<string, Promise<unknown>>();
  /** Disclosure plans (api/oba/disclosure.ts), apart so that their number can be bounded. */
  private plans = new Map<string, Promise<unknown>>();
  /** Pure computations, kept across versions (their key is their inputs). */
  readonly computations = new Computations();

  constructor(private readonly planLimit = PLAN_LIMIT) {}

  /** The warehouse version the entries belong to (null before the first). */
  get version(): number | null {
    return this.current;
  }

  get size(): number {
    return this.entries.size + this.plans.size;
  }

  /** `make()` once per version and key. A failure is not kept; a request still on an older version computes its own. */
  remember<T>(version: number, key: string, make: () => Promise<T>): Promise<T> {
    return this.keep(this.entries, version, key, make);
  }

  /** As `remember`, for a disclosure plan: at most `planLimit` are kept, the oldest dropped first. */
  rememberPlan<T>(version: number, key: string, make: () => Promise<T>): Promise<T> {
    const p = this.keep(this.plans, version, key, make);
    while (this.plans.size > this.planLimit) this.plans.delete(this.plans.keys().next().value as string);
    return p;
  }

  private keep<T>(map: Map<string, Promise<unknown>>, version: number, key: string, make: () => Promise<T>): Promise<T> {
    if (this.current === null || version > this.current) {
      this.entries.clear();
      this.plans.clear();
      this.current = version;
    }
    if (version < this.current) return make();
    const hit = map.get(key);
    if (hit) return hit as Promise<T>;
    const p = make();
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
    return p;
  }
}

/**
 * What routes pass down to the domain: the current warehouse version read through the app's cache,
 * and the reference files (catalogues, scorecards, published figures) the app loaded.
 */
export class CachedReader implements Reader {
  constructor(readonly warehouse: Warehouse, readonly cache: AppCache, readonly reference: Reference) {}

  get dir(): string {
    return this.warehouse.dir;
  }

  currentVersion(): Promise<number | null> {
    return this.warehouse.currentVersion();
  }

  query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    return this.warehouse.query<T>(sql, params);
  }

  async remember<T>(key: string, make: () => Promise<T>): Promise<T> {
    const version = await this.warehouse.currentVersion();
    return version === null ? make() : this.cache.remember(version, key, make);
  }

  async rememberPlan<T>(key: string, make: () => Promise<T>): Promise<T> {
    const version = await this.warehouse.currentVersion();
    return version === null ? make() : this.cache.rememberPlan(version, key, make);
  }

  computeOnce<T>(name: string, inputs: unknown, run: () => T): T {
    return this.cache.computations.of(name, inputs, run);
  }

  keptPlan(inputs: PlanInputs, solve: () => Promise<Lattice>): Promise<Lattice> {
    return keptPlan({dir: this.dir, currentVersion: () => this.currentVersion(), paths: this.reference.paths}, inputs, solve);
  }
}
