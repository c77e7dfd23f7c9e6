import {existsSync} from "node:fs";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {serveStatic} from "@hono/node-server/serve-static";
import {secureHeaders} from "hono/secure-headers";
import {createApp} from "./app.js";
import type {Services} from "./context.js";

/** The API's own paths: `/api` and below, never a sibling such as `/apix` (which is a dashboard path and gets their headers). */
export const isApiPath = (path: string) => path === "/api" || path.startsWith("/api/");

/** The API plus the built dashboards (Observable Framework's static dist/), on one origin. */
export function createServer(services: Services, {dashboardsDir}: {dashboardsDir: string}) {
  const app = createApp(services);
  // Framework pages use inline scripts and styles, so the dashboards need 'unsafe-inline'; everything
  // else is this origin only — no CDN, fonts or telemetry can load. /api/* keeps its own strict policy.
  app.use("*", async (c, next) => {
    if (isApiPath(c.req.path)) return next();
    return secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"], connectSrc: ["'self'"], fontSrc: ["'self'"], objectSrc: ["'none'"], frameAncestors: ["'none'"]
      }
    })(c, next);
  });
  // Framework writes /page as page.html; map clean URLs to it.
  app.use("*", async (c, next) => {
    const path = c.req.path;
    if (!isApiPath(path) && !path.startsWith("/_") && !/\.[a-z0-9]+$/i.test(path) && path !== "/") {
      const file = join(dashboardsDir, `${path.replace(/\/$/, "")}.html`);
      if (existsSync(file)) return serveStatic({root: dashboardsDir, path: `${path.replace(/\/$/, "")}.html`})(c, next);
    }
    await next();
  });
  app.use("*", serveStatic({root: dashboardsDir}));
  // A page that does not exist gets the dashboards' own 404 page (with navigation), still as a 404;
  // /api/* keeps its JSON errors.
  const notFoundPage = join(dashboardsDir, "404.html");
  app.notFound(async (c) => {
    // Its links and assets are relative to the root: a <base> keeps them working under any missing path (/a/b/c).
    if (!c.req.path.startsWith("/api") && existsSync(notFoundPage)) return c.html((await readFile(notFoundPage, "utf8")).replace("<head>", '<head><base href="/">'), 404);
    return c.text("Not found", 404);
  });
  return app;
}
