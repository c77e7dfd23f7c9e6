import {mkdirSync} from "node:fs";
import {join} from "node:path";
import {generateDemoExtracts, type GenerateResult} from "../../pipelines/demo/generate.js";
import {assembleDemoInbox, type AssembledFile, type DemoInput} from "../../pipelines/demo/statutory/inbox.js";
import {childKeyPath, ChildKeys, loadChildKey} from "../../pipelines/door/identity.js";
import {runPipeline, type RunRecord} from "../../pipelines/run.js";

/**
 * The demo world a test run shares: the demo extracts (Curve's layout and the statutory files), the
 * inbox assembled from them and the warehouse the real pipeline published from that inbox, all
 * under one temporary folder. Built once per run in the background by the vitest global setup
 * (test/setup/demo-world.ts) and handed to test files by their setup file
 * (test/setup/demo-world-ready.ts); a test file reads it, never writes it, and never looks at
 * the developer's data/demo-extracts or data/warehouse.
 */
export interface DemoWorld {
  root: string;
  /** The generator's output: Curve-layout CSVs, and statutory/<la>/ beside them. */
  extractsDir: string;
  /** What the generator wrote (paths, types, rows). */
  generated: Pick<GenerateResult, "files" | "statutory">;
  /** Which demo input the inbox was assembled from ("curve" unless CURVE_DEMO_INPUT says otherwise). */
  input: DemoInput;
  inbox: string;
  inboxFiles: AssembledFile[];
  /** The published warehouse: open it read-only (`new Warehouse(dir)`, `openReadOnly`). */
  warehouseDir: string;
  /** The pipeline run that published it. */
  run: RunRecord;
  /** The reference data the pipeline was given (data/reference unless CURVE_TEST_REFERENCE). */
  referenceDir: string;
}

/** The same seed as `npm run demo-data`, so figures match the docs. */
export const DEMO_SEED = 2014;
/** A fixed clock for the run, as the scratch warehouses of other tests use. */
export const DEMO_RUN_AT = new Date("2026-11-23T12:00:00Z");

/**
 * How the inbox is filled from the demo folder: one call, so that switching the demo world to the
 * statutory files (`"statutory"`, with the door's `rekey`) changes this line and nothing else.
 */
function assembleInbox(extractsDir: string, inbox: string, input: DemoInput): AssembledFile[] {
  let keys: ChildKeys | null = null;
  const rekey = (la: string, id: string) => (keys ??= new ChildKeys(loadChildKey(childKeyPath()))).of(la, id);
  return assembleDemoInbox(extractsDir, inbox, input, {rekey});
}

export async function buildDemoWorld(root: string, log: (line: string) => void = () => undefined): Promise<DemoWorld> {
  const extractsDir = join(root, "demo-extracts");
  const inbox = join(root, "inbox");
  const warehouseDir = join(root, "warehouse");
  const referenceDir = process.env.CURVE_TEST_REFERENCE ?? "data/reference";
  mkdirSync(root, {recursive: true});

  let t = performance.now();
  const generated = generateDemoExtracts({outDir: extractsDir, seed: DEMO_SEED, force: true});
  log(`demo world: ${generated.files.length} extracts and ${generated.statutory.length} statutory files in ${seconds(t)}`);

  // The shared world is built from Curve's own layout, which every demo test's figures are written
  // against; the statutory path `npm start` takes has its own world and test (test/pipeline/demo-real-path.test.ts).
  // CURVE_DEMO_INPUT=statutory builds this one from the statutory files instead.
  const input: DemoInput = process.env.CURVE_DEMO_INPUT === "statutory" ? "statutory" : "curve";
  const inboxFiles = assembleInbox(extractsDir, inbox, input);

  t = performance.now();
  const run = await runPipeline({inbox, warehouseDir, referenceDir}, {clock: () => DEMO_RUN_AT});
  log(`demo world: pipeline ${run.status} (${input} inbox, ${inboxFiles.length} files) in ${seconds(t)}`);
  if (run.status !== "published") throw new Error(`the demo warehouse was not published (${run.status}): ${run.message}`);

  return {
    root, extractsDir, generated: {files: generated.files, statutory: generated.statutory},
    input, inbox, inboxFiles, warehouseDir, run, referenceDir
  };
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
