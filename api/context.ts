import type {AppCache, CachedReader} from "./appcache.js";
import type {AppStore} from "./appstore.js";
import type {AccessControl} from "./auth/middleware.js";
import type {Principal} from "./auth/roles.js";
import type {DisclosurePolicies} from "./oba/policy.js";
import type {Reference} from "./reference.js";
import type {Warehouse} from "./warehouse.js";
import type {Context} from "hono";
import {ApiError} from "./errors.js";

/** What every route can reach: the I/O edges, passed in so tests can supply their own. */
export interface Services {
  warehouse: Warehouse;
  warehouseDir: string;
  log: (event: Record<string, unknown>) => void;
  clock: () => Date;
  /** User-authored data (frozen baselines, targets, annotations, narratives); routes that need it answer 503 without it. */
  appStore?: AppStore;
  /** Authentication, route policy, rate limits and audit. Without it every API request is refused. */
  access?: AccessControl;
  /** Keep answers to read-only data routes until their data change (api/cache.ts); on unless false. */
  cacheResponses?: boolean;
  /** Disclosure policy per role (api/oba/policy.ts, from data/config.json's `disclosure`); the defaults without it. */
  disclosure?: DisclosurePolicies;
  /** What the app keeps per warehouse version (api/appcache.ts); createApi makes a fresh one unless given one. */
  cache?: AppCache;
  /** The reference files (catalogues, scorecards, published figures), read once; createApi reads them where the environment says unless given one. */
  reference?: Reference;
}

/** `reader`: the warehouse through the app's cache, with the reference files: what routes pass down to the domain. */
export type Env = {Variables: {services: Services; principal: Principal; reader: CachedReader}};

/** The app store, or a 503: routes that read or write user-authored records cannot answer without it. */
export function appStoreOf(c: Context<Env>): AppStore {
  const store = c.var.services.appStore;
  if (!store) throw new ApiError(503, "app-store-unavailable", "the app store (user-authored baselines, targets, narratives) is not configured on this server");
  return store;
}
