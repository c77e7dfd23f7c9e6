import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {TestProject} from "vitest/node";
import {DASHBOARDS_DONE, DASHBOARDS_ERROR} from "./ready.js";

/**
 * vitest global setup of the "browser" project: starts building the dashboards
 * (`npm run dashboards:build`, into dist/) once for the run and returns at once, so other files run
 * while it builds; each browser file waits for it in its setup file (test/setup/dashboards-ready.ts)
 * and serves dist/ itself.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the dashboards' build leaves its mark (test/setup/ready.ts). */
    dashboardsBuild: string;
  }
}

export default function setup(project: TestProject) {
  const marks = mkdtempSync(join(tmpdir(), "curve-dashboards-build-"));
  const started = performance.now();
  // In a process group of its own, so that a teardown while it still builds stops npm and the build under it.
  const child = spawn("npm", ["run", "dashboards:build"], {env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}, detached: true});
  let text = "";
  child.stdout.on("data", (d) => (text += d));
  child.stderr.on("data", (d) => (text += d));
  child.on("close", (code) => {
    if (code === 0) {
      console.log(`dashboards: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      writeFileSync(join(marks, DASHBOARDS_DONE), "");
    } else writeFileSync(join(marks, DASHBOARDS_ERROR), `the dashboards did not build (npm run dashboards:build):\n${text}`);
  });
  project.provide("dashboardsBuild", marks);
  return () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid);
    rmSync(marks, {recursive: true, force: true});
  };
}
