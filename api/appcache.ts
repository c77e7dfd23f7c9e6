import type {Params} from "../pipelines/warehouse/store.js";
import type {Reader} from "./oba/query.js";
import type {Warehouse} from "./warehouse.js";

/**
 * What the app works out once per published warehouse version and keeps: reference look-ups, the load
 * register, provider episodes — anything every request on that version would otherwise ask again. A
 * version never changes, so an entry is right until the next version is published; the first request
 * on a newer version drops every entry of the older one. One cache per app (createApi makes it unless
 * given one), passed down with the warehouse like any other I/O: two apps never share entries, and a
 * test starts clean without clearing module state.
 */
export class AppCache {
  private current: number | null = null;
  private entries = new Map<string, Promise<unknown>>();

  /** The warehouse version the entries belong to (null before the first). */
  get version(): number | null {
    return this.current;
  }

  get size(): number {
    return this.entries.size;
  }

  /** `make()` once per version and key. A failure is not kept; a request still on an older version computes its own. */
  remember<T>(version: number, key: string, make: () => Promise<T>): Promise<T> {
    if (this.current === null || version > this.current) {
      this.entries.clear();
      this.current = version;
    }
    if (version < this.current) return make();
    const hit = this.entries.get(key);
    if (hit) return hit as Promise<T>;
    const p = make();
    this.entries.set(key, p);
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    return p;
  }
}

/** The current warehouse version read through the app's cache: what routes pass down to the domain. */
export class CachedReader implements Reader {
  constructor(readonly warehouse: Warehouse, readonly cache: AppCache) {}

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
}
