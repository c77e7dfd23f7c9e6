import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {TestProject} from "vitest/node";
import {buildDemoWorld, type DemoWorld} from "../helpers/demo-world.js";

/**
 * vitest global setup of the "demo" and "browser" projects: builds the demo world once for the whole
 * run, before any of their test files start, and removes it after the last. Test files get it with
 * `demoWorld()` (test/helpers/demo.ts), so none depends on another having run first.
 */

interface Shared {
  root: string;
  world: Promise<DemoWorld>;
  /** Projects still using it: the last one's teardown removes it. */
  users: number;
}

// Each project loads this file on its own; the run's one world is kept on the process.
const KEY = Symbol.for("curve.test.demoWorld");
const holder = globalThis as {[KEY]?: Shared};

export default async function setup(project: TestProject) {
  let shared = holder[KEY];
  if (!shared) {
    const root = mkdtempSync(join(tmpdir(), "curve-demo-world-"));
    const started = performance.now();
    const world = buildDemoWorld(root, (line) => console.log(line)).then((w) => {
      console.log(`demo world: ready in ${((performance.now() - started) / 1000).toFixed(1)} s at ${root}`);
      return w;
    });
    shared = holder[KEY] = {root, world, users: 0};
  }
  shared.users++;
  project.provide("demoWorld", await shared.world);
  const mine = shared;
  return () => {
    if (--mine.users > 0) return;
    delete holder[KEY];
    if (!process.env.CURVE_KEEP_DEMO_WORLD) rmSync(mine.root, {recursive: true, force: true});
  };
}
