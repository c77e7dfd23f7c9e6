import {join} from "node:path";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {AppCache, CachedReader} from "../../api/appcache.js";
import {AppStore} from "../../api/appstore.js";
import {referenceFromEnv} from "../../api/reference.js";
import type {Role} from "../../api/auth/roles.js";
import {Warehouse} from "../../api/warehouse.js";
import {queryPublished} from "./warehouse.js";
import {DEMO_RUN_AT, type DemoWorld} from "./demo-world.js";
import {testApp} from "./app.js";

/**
 * The demo world of this test run (built once by test/setup/demo-world.ts). Only files of the
 * "demo" project in vitest.config.ts get one: a file that needs it must be listed there.
 */
export function demoWorld(): DemoWorld {
  // Set by the project's setup file (test/setup/demo-world-ready.ts) once the world is built.
  const world = (globalThis as {[k: symbol]: DemoWorld | undefined})[Symbol.for("curve.test.demoWorld.ready")];
  if (!world) throw new Error("no demo world: this test file must be in the \"demo\" project's list in vitest.config.ts");
  return world;
}

/**
 * The API over the demo warehouse, as `obaScratch` gives it over a scratch one: requests come from a
 * commissioner unless a role is named, and writes (baselines, narratives) go to this file's own app
 * store. The warehouse is shared by the run: opened read-only, never loaded again. `reader` reads
 * through the app's own cache and reference files, so a plan a test asks the domain for is the one
 * the app published from.
 */
export function demoApi(role: Role = "commissioner") {
  const world = demoWorld();
  const warehouse = new Warehouse(world.warehouseDir);
  const appStore = new AppStore(join(mkdtempSync(join(tmpdir(), "curve-appstore-")), "app.duckdb"));
  const cache = new AppCache();
  const reference = referenceFromEnv();
  const app = testApp({warehouse, warehouseDir: world.warehouseDir, appStore, clock: () => DEMO_RUN_AT, cache, reference}, role);
  return {
    world, warehouse, appStore, app, reader: new CachedReader(warehouse, cache, reference),
    /** GET as the default role, or as another role (`x-test-role`); the body parsed when it is JSON. */
    async get(path: string, as?: Role) {
      const res = await app.request(path, as ? {headers: {"x-test-role": as}} : undefined);
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return {status: res.status, body, headers: res.headers};
    },
    async send(method: "POST" | "PUT", path: string, json: unknown) {
      const res = await app.request(path, {method, body: JSON.stringify(json), headers: {"content-type": "application/json"}});
      return {status: res.status, body: await res.json() as any};
    },
    /** SQL straight on the published warehouse (read-only), to check an answer against the rows. */
    query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
      return queryDemo<T>(sql);
    },
    async close() {
      warehouse.close_();
      await appStore.close();
    }
  };
}

/** One read-only query on the demo warehouse's published version. */
export function queryDemo<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return queryPublished<T>(demoWorld().warehouseDir, sql);
}
