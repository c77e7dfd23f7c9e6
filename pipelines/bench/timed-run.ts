import {runPipeline} from "../run.js";

/** Seconds for one pipeline run, which must publish and refuse nothing, with the run's seconds per phase. */
export async function timedRun(inbox: string, warehouseDir: string) {
  let phases: Record<string, number> = {};
  const log = (e: Record<string, unknown>) => {
    if (e.msg === "pipeline run finished") phases = e.phase_seconds as Record<string, number>;
  };
  const t0 = performance.now();
  const record = await runPipeline({inbox, warehouseDir, referenceDir: "data/reference"}, {log});
  const seconds = (performance.now() - t0) / 1000;
  if (record.status !== "published") throw new Error(`the pipeline did not publish: ${record.message}`);
  const refused = (record.door ?? []).filter((d) => d.outcome === "refused");
  if (refused.length) throw new Error(`the door refused ${refused.length} file(s): ${refused[0].file}: ${refused[0].message}`);
  return {record, seconds, phases};
}
