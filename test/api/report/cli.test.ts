import {execFile} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {describe, expect, it} from "vitest";

/** `npm run report` (api/report/cli.ts) checks its arguments against the reference files the API reads. */

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run("npx", ["tsx", "api/report/cli.ts", ...args], {env: {...process.env, ...env}, timeout: 60_000}).then(
    (r) => ({code: 0, stderr: r.stderr}),
    (e: {code: number; stderr: string}) => ({code: e.code, stderr: e.stderr})
  );

describe("npm run report", () => {
  it("knows the report cards of the scorecards file the API is given (CURVE_SCORECARDS), not a fixed path", async () => {
    const cards = JSON.parse(readFileSync("data/reference/scorecards.json", "utf8"));
    const custom = {...cards, scorecards: [{...cards.scorecards[0], id: "family-hubs", name: "Family hubs"}]};
    const file = join(mkdtempSync(join(tmpdir(), "curve-report-cli-")), "scorecards.json");
    writeFileSync(file, JSON.stringify(custom));
    const r = await cli(["--card", "early-help-strategy"], {CURVE_SCORECARDS: file});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown report card early-help-strategy. Known: family-hubs");
  }, 90_000);
});
