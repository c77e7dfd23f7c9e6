import {Cron} from "croner";
import type {Config} from "./config.js";
import {runPipeline} from "./run.js";

/**
 * The nightly (or whatever the config says) pipeline, in-process. croner's `protect` stops a run
 * starting while the previous one in this process overruns; the warehouse lock does the same across
 * processes (a CLI run at the same moment).
 */
export function startSchedule(config: Config, log: (e: Record<string, unknown>) => void, onPublished?: () => void): Cron | null {
  if (!config.pipelineSchedule) return null;
  const job = new Cron(config.pipelineSchedule, {protect: (j) => log({msg: "pipeline run skipped: the previous run is still going", next: j.nextRun()?.toISOString()})}, async () => {
    const record = await runPipeline(config, {log});
    if (record.status === "published") onPublished?.();
  });
  log({msg: "pipeline scheduled", cron: config.pipelineSchedule, next: job.nextRun()?.toISOString()});
  return job;
}
