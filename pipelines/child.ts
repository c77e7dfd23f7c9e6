import {fork} from "node:child_process";
import {fileURLToPath} from "node:url";
import type {PipelineConfig, RunRecord} from "./run.js";

/**
 * A pipeline run in a child process. The API server schedules runs; a run that exhausts memory (a
 * 5,000-column extract took 23 GB) or crashes must take down only itself, never the server that is
 * answering requests. The child reports its run record over IPC; a child that dies without one is
 * reported as crashed, and the warehouse's atomic publish means the previous version keeps serving.
 */

export interface ChildOptions {
  /** The module the child runs (tests swap in one that crashes). Default: pipelines/child-entry.ts. */
  entry?: string;
  /** Extra node flags for the child, e.g. a heap limit. */
  execArgv?: string[];
}

export type ChildOutcome = {record: RunRecord} | {crashed: string};

const DEFAULT_ENTRY = fileURLToPath(new URL("./child-entry.ts", import.meta.url));

export function runPipelineInChild(config: PipelineConfig, options: ChildOptions = {}): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    // tsx is loaded explicitly: the entry is TypeScript whether the parent runs under tsx or vitest.
    const child = fork(options.entry ?? DEFAULT_ENTRY, [JSON.stringify(config)], {
      execArgv: ["--import", "tsx", ...(options.execArgv ?? [])],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    });
    let record: RunRecord | null = null;
    child.on("message", (m) => {
      record = m as RunRecord;
    });
    child.on("error", (err) => resolve({crashed: `the pipeline process could not start: ${err.message}`}));
    child.on("exit", (code, signal) => {
      if (record) return resolve({record});
      resolve({crashed: `the pipeline process ended (${signal ? `signal ${signal}` : `exit code ${code}`}) before reporting; ` +
        "`npm run pipeline -- runs` shows how far it got, and the previous version keeps serving unless it had published"});
    });
  });
}
