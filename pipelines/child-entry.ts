// The child side of runPipelineInChild: one run with the configuration passed on the command line,
// its record sent back to the parent over IPC.
import {createLogger, terminalProgress} from "./log.js";
import {runPipeline, type PipelineConfig} from "./run.js";

const config = JSON.parse(process.argv[2]) as PipelineConfig;
const record = await runPipeline(config, {log: createLogger("pipeline"), progress: terminalProgress("loading extracts")});
process.send?.(record, () => process.exit(0));
