// Runs the pipeline in a child process and SIGKILLs itself after N files have been loaded into the
// version being built: the "kill -9 at any moment" the atomicity test needs, with no hook in production code.
import {runPipeline} from "../../pipelines/run.js";

const [inbox, warehouseDir, killAfter] = process.argv.slice(2);
let loaded = 0;
await runPipeline({inbox, warehouseDir, referenceDir: process.env.CURVE_TEST_REFERENCE ?? "data/reference"}, {
  afterFile: () => {
    if (++loaded >= Number(killAfter)) process.kill(process.pid, "SIGKILL");
  }
});
