import {spawn} from "node:child_process";

/**
 * vitest global setup of the "browser" project: builds the dashboards (`npm run dashboards:build`,
 * into dist/) once for the run, before any browser test file starts; each file serves dist/ itself.
 */
export default async function setup() {
  const started = performance.now();
  const {code, out} = await new Promise<{code: number; out: string}>((resolve) => {
    const child = spawn("npm", ["run", "dashboards:build"], {env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.on("close", (c) => resolve({code: c ?? 1, out: text}));
  });
  if (code !== 0) throw new Error(`the dashboards did not build (npm run dashboards:build):\n${out}`);
  console.log(`dashboards: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
