import {spawnSync} from "node:child_process";
import {existsSync, readdirSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {Warehouse} from "../../api/warehouse.js";
import {listRuns} from "../../pipelines/run.js";
import {currentVersion} from "../../pipelines/warehouse/store.js";
import {referralsCsv, scratch} from "../helpers/warehouse.js";

describe("publishing is atomic", () => {
  it("a process killed mid-load leaves the previous version serving, and the rerun completes", async () => {
    const s = scratch();
    s.put("referrals_821_2011-12.csv", referralsCsv(8).replaceAll("2012-06-15", "2011-06-15"));
    expect((await s.run()).status).toBe("published");
    const reader = new Warehouse(s.warehouseDir);
    expect(await reader.query(`SELECT count(*)::INTEGER AS n FROM referrals`)).toEqual([{n: 8}]);

    s.put("referrals_821_2012-13.csv", referralsCsv(5).replaceAll("R821-", "S821-"));
    s.put("referrals_821_2013-14.csv", referralsCsv(5).replaceAll("R821-", "T821-").replaceAll("2012-06-15", "2013-06-15"));
    const killed = spawnSync(process.execPath, ["--import", "tsx", "test/pipeline/kill-runner.ts", s.inbox, s.warehouseDir, "2"], {encoding: "utf8"});
    expect(killed.signal).toBe("SIGKILL");

    // The reader still answers from version 1, and the half-built version is not named by CURRENT.
    expect(currentVersion({dir: s.warehouseDir})?.version).toBe(1);
    expect(await reader.query(`SELECT count(*)::INTEGER AS n FROM referrals`)).toEqual([{n: 8}]);
    expect(readdirSync(s.warehouseDir).some((f) => f.endsWith(".building"))).toBe(true);
    expect(listRuns(s.warehouseDir)[0].status).toBe("abandoned");

    const rerun = await s.run();
    expect(rerun.status).toBe("published");
    expect(rerun.version).toBe(2);
    expect(readdirSync(s.warehouseDir).some((f) => f.endsWith(".building"))).toBe(false);
    // The reader switches to the new version on its next request.
    expect(await reader.query(`SELECT count(*)::INTEGER AS n FROM referrals`)).toEqual([{n: 18}]);
    expect(existsSync(`${s.warehouseDir}/.lock`)).toBe(false);
    reader.close_();
  });

  it("a second run while one holds the lock does nothing and says why", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsCsv(3));
    const [a, b] = await Promise.all([s.run(), s.run()]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual(["published", "skipped"]);
    expect([a, b].find((r) => r.status === "skipped")!.message).toMatch(/another pipeline run .* is in progress/);
  });
});
