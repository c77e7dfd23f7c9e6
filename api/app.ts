import {Hono, type MiddlewareHandler} from "hono";
import {bodyLimit} from "hono/body-limit";
import {secureHeaders} from "hono/secure-headers";
import {accessControl} from "./auth/middleware.js";
import {audit} from "./routes/audit.js";
import type {Env, Services} from "./context.js";
import {errorBody, handleError} from "./errors.js";
import {openApiDocument} from "./openapi.js";
import {health} from "./routes/health.js";
import {pipeline} from "./routes/pipeline.js";
// The OpenAPI document lists operations in the order their modules load: baselines, targets,
// annotations and narratives stay ahead of indicators so the document is unchanged.
import {baselines} from "./routes/baselines.js";
import {targets} from "./routes/targets.js";
import {annotations} from "./routes/annotations.js";
import {narratives} from "./routes/narratives.js";
import {indicators} from "./routes/indicators.js";
import {drivers} from "./routes/drivers.js";
import {scorecards} from "./routes/scorecards.js";
import {responseCache} from "./cache.js";
import {AppCache, CachedReader} from "./appcache.js";
import {referenceFromEnv} from "./reference.js";
import {providers} from "./routes/providers.js";
import {services as serviceMap} from "./routes/services.js";
import {wards} from "./routes/wards.js";
import {targetWards} from "./routes/target-wards.js";
import {allocations} from "./routes/allocations.js";
import {me, signIn} from "./routes/session.js";

const refuseAll: MiddlewareHandler<Env> = async (c) => c.json(errorBody("unauthenticated", "access control is not configured"), 401);

/** The HTTP API: one sub-app per resource, mounted here. Dashboards are served by main.ts. */
export function createApi(given: Services) {
  // The app's own cache and reference files, unless given: the paths (and their environment
  // variables) are resolved here, once, and every route reads them through `c.var.reader`.
  const services: Services = {...given, cache: given.cache ?? new AppCache(), reference: given.reference ?? referenceFromEnv()};
  const reader = new CachedReader(services.warehouse, services.cache!, services.reference!);
  const api = new Hono<Env>()
    .use("*", async (c, next) => {
      c.set("services", services);
      c.set("reader", reader);
      await next();
    })
    // The API serves only JSON and CSV: nothing in a response may load or run anything.
    .use("*", secureHeaders({contentSecurityPolicy: {defaultSrc: ["'none'"], frameAncestors: ["'none'"]}, crossOriginResourcePolicy: "same-origin"}))
    // What an answer shows depends on who asked (role, provider, disclosure): no shared cache (a
    // proxy, a CDN, the browser's back button on a shared machine) may keep or replay it for another.
    .use("*", async (c, next) => {
      await next();
      c.header("Cache-Control", "private, no-store");
      c.header("Vary", "Authorization, Cookie");
    })
    // Fail closed: without access control configured, every API request is refused.
    .use("*", services.access ? (accessControl(services.access) as unknown as MiddlewareHandler<Env>) : refuseAll)
    .use("*", bodyLimit({maxSize: 256 * 1024, onError: (c) => c.json(errorBody("payload-too-large", "request body over 256 KB"), 413)}))
    .use("*", services.cacheResponses === false ? (_c, next) => next() : responseCache())
    .route("/health", health)
    .route("/me", me)
    .route("/sign-in", signIn)
    .route("/pipeline", pipeline)
    .route("/indicators", indicators)
    .route("/indicators", drivers)
    .route("/baselines", baselines)
    .route("/targets", targets)
    .route("/annotations", annotations)
    .route("/narratives", narratives)
    .route("/scorecards", scorecards)
    .route("/audit", audit)
    .route("/providers", providers)
    .route("/services", serviceMap)
    .route("/wards", wards)
    .route("/target-wards", targetWards)
    .route("/allocations", allocations)
    .get("/openapi.json", (c) => c.json(openApiDocument()))
    .all("*", (c) => c.json(errorBody("not-found", `no API route ${c.req.method} ${c.req.path}`), 404));
  api.onError((err, c) => handleError(err, c, services.log));
  return api;
}

export function createApp(services: Services) {
  const app = new Hono();
  app.route("/api", createApi(services));
  return app;
}
