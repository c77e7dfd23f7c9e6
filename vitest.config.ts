import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // DuckDB's native addon is safe in forked workers, not in threads.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // CI reads a closing "N passed, N failed" line made from this JSON report (see .ci/run).
    reporters: process.env.VITEST_JSON ? ["default", "json"] : ["default"],
    outputFile: process.env.VITEST_JSON ? {json: process.env.VITEST_JSON} : undefined
  }
});
