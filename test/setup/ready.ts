import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";

/** What test/setup/build-demo-world.ts leaves in the world's folder: the world when ready, or why it is not. */
export const WORLD_FILE = "world.json";
export const WORLD_ERROR = "world.error";
/** What test/setup/dashboards.ts leaves in its folder: a mark when dist/ is built, or the build's output when it failed. */
export const DASHBOARDS_DONE = "dashboards.done";
export const DASHBOARDS_ERROR = "dashboards.error";

/**
 * Waits for a global setup's background work: the contents of `dir/done` once it is there, or an
 * error with the contents of `dir/failed`. The setups start the work and return at once, so the test
 * files that do not need it run meanwhile; a file that does waits here, in its setup file.
 */
export async function finished(dir: string, done: string, failed: string, what: string, timeoutMs = 30 * 60_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    if (existsSync(join(dir, done))) return readFileSync(join(dir, done), "utf8");
    if (existsSync(join(dir, failed))) throw new Error(`${what} failed:\n${readFileSync(join(dir, failed), "utf8")}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs / 60_000} minutes (${dir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
