import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {TestProject} from "vitest/node";
import {WORLD_ERROR, WORLD_FILE} from "./ready.js";

/**
 * vitest global setup of the "demo" and "browser" projects: starts building the demo world once for
 * the whole run, in a process of its own (test/setup/build-demo-world.ts), and returns at once, so
 * that the other projects' files run while it builds (vitest runs every global setup before any test
 * file). Each demo and browser file waits for it in its setup file (test/setup/demo-world-ready.ts)
 * and gets it with `demoWorld()` (test/helpers/demo.ts), so none depends on another having run
 * first. The last project's teardown removes it.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder the run's demo world is built in (test/setup/ready.ts says what appears there). */
    demoWorldRoot: string;
  }
}

interface Shared {
  root: string;
  build: ChildProcess;
  /** Projects still using it: the last one's teardown removes it. */
  users: number;
}

// Each project loads this file on its own; the run's one world is kept on the process.
const KEY = Symbol.for("curve.test.demoWorld");
const holder = globalThis as {[KEY]?: Shared};

export default function setup(project: TestProject) {
  let shared = holder[KEY];
  if (!shared) {
    const root = mkdtempSync(join(tmpdir(), "curve-demo-world-"));
    const started = performance.now();
    const script = fileURLToPath(new URL("./build-demo-world.ts", import.meta.url));
    const build = spawn(process.execPath, ["--import", "tsx", script, root], {stdio: ["ignore", "pipe", "pipe"]});
    let err = "";
    build.stdout.on("data", (d: Buffer) => process.stdout.write(d));
    build.stderr.on("data", (d: Buffer) => (err += d));
    build.on("close", (code, signal) => {
      if (existsSync(join(root, WORLD_FILE))) {
        console.log(`demo world: ready in ${((performance.now() - started) / 1000).toFixed(1)} s at ${root}`);
      } else if (!existsSync(join(root, WORLD_ERROR))) {
        writeFileSync(join(root, WORLD_ERROR), `the demo world's build stopped (${signal ?? `exit ${code}`}):\n${err}`);
      }
    });
    shared = holder[KEY] = {root, build, users: 0};
  }
  shared.users++;
  project.provide("demoWorldRoot", shared.root);
  const mine = shared;
  return () => {
    if (--mine.users > 0) return;
    delete holder[KEY];
    if (mine.build.exitCode === null && mine.build.signalCode === null) mine.build.kill();
    if (!process.env.CURVE_KEEP_DEMO_WORLD) rmSync(mine.root, {recursive: true, force: true});
  };
}
