import {describe, expect, it} from "vitest";
import {Config} from "../../pipelines/config.js";
import {listRuns} from "../../pipelines/run.js";
import {startSchedule} from "../../pipelines/schedule.js";
import {referralsCsv, scratch} from "../helpers/warehouse.js";

describe("the scheduled pipeline", () => {
  it("runs on the configured cron expression in a child process and never overlaps itself", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsCsv(5));
    const events: Record<string, unknown>[] = [];
    const job = startSchedule(
      {inbox: s.inbox, warehouseDir: s.warehouseDir, referenceDir: "data/reference", demoExtracts: s.inbox, appStore: `${s.root}/app.duckdb`, keepVersions: 3, pipelineSchedule: "* * * * * *", port: 0},
      (e) => events.push(e)
    );
    // Each run is a child process: allow for its start-up on a busy machine, then a few more ticks.
    const waitFor = async (done: () => boolean) => {
      for (const until = Date.now() + 30_000; !done() && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(() => listRuns(s.warehouseDir).some((r) => r.status === "published"));
    await new Promise((r) => setTimeout(r, 2500));
    job?.stop();
    await waitFor(() => !listRuns(s.warehouseDir).some((r) => r.status === "running")); // let a run in progress finish
    const runs = listRuns(s.warehouseDir);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.map((r) => r.status)).toContain("published");
    // Later ticks find nothing new, and none ran while another was going.
    expect(runs.filter((r) => r.status === "published").length).toBe(1);
    expect(runs.some((r) => r.status === "skipped")).toBe(false);
    expect(events[0]).toMatchObject({msg: "pipeline scheduled", cron: "* * * * * *"});
    expect(runs.every((r) => r.pid !== process.pid)).toBe(true);
  }, 90_000);

  it("refuses a configuration whose schedule is not a cron expression, naming the field", () => {
    const result = Config.safeParse({inbox: "a", demoExtracts: "b", warehouseDir: "c", referenceDir: "d", appStore: "e", keepVersions: 3, pipelineSchedule: "every night", port: 3000});
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(["pipelineSchedule"]);
    expect(result.error!.issues[0].message).toMatch(/cron expression/);
  });
});
