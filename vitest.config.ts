import {availableParallelism, tmpdir} from "node:os";
import {join} from "node:path";
import {defineConfig} from "vitest/config";

// Every pipeline run in a test keys children with a throwaway key made on first use, never the
// developer's ~/.config/curve/child-key (nor one set in their shell). Set here, in the main
// process, so the global setup's pipeline run and every test worker (which inherit this
// environment) use the same key for the whole run.
process.env.CURVE_CHILD_KEY = join(tmpdir(), `curve-test-key-${process.pid}`, "child-key");
// A server a test starts does not warm disclosure plans in the background (api/plans-warm.ts): a
// test that measures or reads plans decides when they are solved.
process.env.CURVE_PLAN_WARM = "off";

/**
 * The files that read the demo world (the demo extracts and the warehouse published from them),
 * built once per run by test/setup/demo-world.ts, in the background while other files run; each of
 * these waits for it in test/setup/demo-world-ready.ts. A new test that needs it goes in this list.
 */
const DEMO = [
  "test/pipeline/demo-data.test.ts",
  "test/pipeline/demo-warehouse.test.ts",
  "test/pipeline/demo-statutory.test.ts",
  "test/pipeline/demo-real-path.test.ts",
  "test/api/oba/demo.test.ts",
  "test/api/oba/statutory-demo.test.ts",
  "test/api/targeting/demo.test.ts",
  "test/api/providers/demo.test.ts"
];
/** The dashboards in Chromium over the demo world; the dashboards are built once per run too, also in the background. */
const BROWSER = ["test/browser/**/*.test.ts"];
const UNIT = ["test/unit/**/*.test.ts"];

export default defineConfig({
  test: {
    // DuckDB's native addon is safe in forked workers, not in threads.
    pool: "forks",
    // vitest's default is one worker per core but one: a single worker on a 2-core machine, which left
    // a core idle while a test waits on DuckDB, Chromium or a child process. Files never share state
    // (each writes its own scratch folders; the demo world and dist/ are read-only once built).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // CI reads a closing "N passed, N failed" line made from this JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON ? ["default", "json"] : ["default"],
    outputFile: process.env.VITEST_JSON ? {json: process.env.VITEST_JSON} : undefined,
    projects: [
      // Pure functions: `npm run test:unit`, seconds, for the edit loop.
      {extends: true, test: {name: "unit", include: UNIT}},
      // Small fixtures each test writes itself (scratch inboxes and warehouses).
      {extends: true, test: {name: "integration", include: ["test/**/*.test.ts"], exclude: [...UNIT, ...DEMO, ...BROWSER]}},
      // The demo world, built by the global setup only when one of these files is in the run (once for both projects).
      {extends: true, test: {name: "demo", include: DEMO, globalSetup: ["test/setup/demo-world.ts"], setupFiles: ["test/setup/demo-world-ready.ts"]}},
      {extends: true, test: {
        name: "browser", include: BROWSER,
        globalSetup: ["test/setup/demo-world.ts", "test/setup/dashboards.ts"], setupFiles: ["test/setup/demo-world-ready.ts", "test/setup/dashboards-ready.ts"]
      }}
    ]
  }
});
