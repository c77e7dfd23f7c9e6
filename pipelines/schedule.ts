import {Cron} from "croner";
import type {Config} from "./config.js";
import {runPipelineInChild, type ChildOptions} from "./child.js";

/**
 * The nightly (or whatever the config says) pipeline. Each run is a child process, so a run that
 * crashes or runs out of memory cannot take the API server down with it. croner's `protect` stops a
 * run starting while the previous one overruns; the warehouse lock does the same across processes
 * (a CLI run at the same moment).
 */
export interface ScheduleOptions {
  onPublished?: () => void;
  /** The child's module and node flags (tests run a child that fails on purpose). */
  childEntry?: ChildOptions["entry"];
  childExecArgv?: ChildOptions["execArgv"];
}

export function startSchedule(config: Config, log: (e: Record<string, unknown>) => void, options: ScheduleOptions = {}): Cron | null {
  if (!config.pipelineSchedule) return null;
  const job = new Cron(config.pipelineSchedule, {protect: (j) => log({msg: "pipeline run skipped: the previous run is still going", next: j.nextRun()?.toISOString()})}, async () => {
    const outcome = await runPipelineInChild(config, {entry: options.childEntry, execArgv: options.childExecArgv});
    if ("crashed" in outcome) {
      log({msg: "scheduled pipeline run crashed", detail: outcome.crashed});
      return;
    }
    log({msg: "scheduled pipeline run finished", run_id: outcome.record.run_id, status: outcome.record.status, detail: outcome.record.message});
    if (outcome.record.status === "published") options.onPublished?.();
  });
  log({msg: "pipeline scheduled", cron: config.pipelineSchedule, next: job.nextRun()?.toISOString()});
  return job;
}
