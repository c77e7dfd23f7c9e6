import {inject} from "vitest";
import {DASHBOARDS_DONE, DASHBOARDS_ERROR, finished} from "./ready.js";

/** Setup file of the "browser" project: waits until dist/ is built for the run (test/setup/dashboards.ts started it). */
await finished(inject("dashboardsBuild"), DASHBOARDS_DONE, DASHBOARDS_ERROR, "the dashboards' build");
