import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {TestProject} from "vitest/node";
import {buildDemoWorld} from "../helpers/demo-world.js";

/**
 * vitest global setup of the "demo" project: builds the demo world once for the whole run, before
 * any of its test files start, and removes it afterwards. Test files get it with `demoWorld()`
 * (test/helpers/demo.ts), so none depends on another having run first.
 */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), "curve-demo-world-"));
  const started = performance.now();
  const world = await buildDemoWorld(root, (line) => console.log(line));
  console.log(`demo world: ready in ${((performance.now() - started) / 1000).toFixed(1)} s at ${root}`);
  project.provide("demoWorld", world);
  return () => {
    if (!process.env.CURVE_KEEP_DEMO_WORLD) rmSync(root, {recursive: true, force: true});
  };
}
