import {renameSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {buildDemoWorld} from "../helpers/demo-world.js";
import {WORLD_ERROR, WORLD_FILE} from "./ready.js";

/**
 * Builds the run's demo world in a process of its own (started by test/setup/demo-world.ts), so the
 * tests that do not need it run meanwhile: `<root>/world.json` when it is ready, `<root>/world.error` if not.
 */
const root = process.argv[2];
try {
  const world = await buildDemoWorld(root, (line) => console.log(line));
  writeFileSync(join(root, `${WORLD_FILE}.tmp`), JSON.stringify(world));
  renameSync(join(root, `${WORLD_FILE}.tmp`), join(root, WORLD_FILE));
} catch (e) {
  writeFileSync(join(root, WORLD_ERROR), e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 1;
}
