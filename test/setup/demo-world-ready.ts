import {inject} from "vitest";
import type {DemoWorld} from "../helpers/demo-world.js";
import {finished, WORLD_ERROR, WORLD_FILE} from "./ready.js";

/**
 * Setup file of the "demo" and "browser" projects: waits until the run's demo world is built
 * (test/setup/demo-world.ts started it) and hands it to `demoWorld()` (test/helpers/demo.ts).
 */
const root = inject("demoWorldRoot");
const world = JSON.parse(await finished(root, WORLD_FILE, WORLD_ERROR, "the demo world")) as DemoWorld;
(globalThis as {[k: symbol]: unknown})[Symbol.for("curve.test.demoWorld.ready")] = world;
