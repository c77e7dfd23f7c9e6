import {Hono} from "hono";
import {bodyLimit} from "hono/body-limit";
import type {Env, Services} from "./context.js";
import {errorBody, handleError} from "./errors.js";
import {openApiDocument} from "./openapi.js";
import {health} from "./routes/health.js";
import {pipeline} from "./routes/pipeline.js";

/** The HTTP API: one sub-app per resource, mounted here. Dashboards are served by main.ts. */
export function createApi(services: Services) {
  const api = new Hono<Env>()
    .use("*", async (c, next) => {
      c.set("services", services);
      await next();
    })
    .use("*", bodyLimit({maxSize: 256 * 1024, onError: (c) => c.json(errorBody("payload-too-large", "request body over 256 KB"), 413)}))
    .route("/health", health)
    .route("/pipeline", pipeline)
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
