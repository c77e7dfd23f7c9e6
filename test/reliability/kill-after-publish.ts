// Runs the pipeline and SIGKILLs itself at the first moment after CURRENT names the new version (the
// pipeline asks its clock for the time again once it has published): the "kill that lands after
// publish" drill, with no hook in production code.
import {runPipeline} from "../../pipelines/run.js";
import {currentVersion} from "../../pipelines/warehouse/store.js";

const [inbox, warehouseDir] = process.argv.slice(2);
await runPipeline({inbox, warehouseDir, referenceDir: process.env.CURVE_TEST_REFERENCE ?? "data/reference"}, {
  clock: () => {
    if (currentVersion({dir: warehouseDir})) process.kill(process.pid, "SIGKILL");
    return new Date("2026-11-23T12:00:00Z");
  }
});
