/**
 * `npm run demo-data [-- options]`: write the demo extracts.
 *
 *   --seed N          random seed (default 2014); same seed, byte-identical files
 *   --out DIR         output directory (default data/demo-extracts, or data/england)
 *   --scale S         demo (Luton + Leeds, 2008-09…2015-16) or england (every authority)
 *   --years LIST      financial years, e.g. 2015-16 or 2013-14,2014-15 (england default 2015-16)
 *   --force           regenerate even if the output directory already has files
 *   --no-statutory    demo scale: skip the statutory files (SSDA903, CIN census) under <out>/statutory
 */
import {relative} from "node:path";
import {parseArgs} from "node:util";
import {DEFAULT_SEED, generateDemoExtracts, type ProgressEvent, type Scale} from "./generate.js";
import type {WrittenFile} from "./demo-writer.js";

const USAGE = "usage: npm run demo-data -- [--seed N] [--out DIR] [--scale demo|england] [--years 2015-16,…] [--force] [--no-statutory]";

function parse() {
  const {values} = parseArgs({
    options: {
      seed: {type: "string"},
      out: {type: "string"},
      scale: {type: "string"},
      years: {type: "string"},
      force: {type: "boolean", default: false},
      "no-statutory": {type: "boolean", default: false},
      help: {type: "boolean", short: "h", default: false}
    },
    strict: true
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scale = (values.scale ?? "demo") as Scale;
  if (scale !== "demo" && scale !== "england") throw new Error(`--scale must be demo or england, not "${values.scale}"`);
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not "${values.seed}"`);
  return {scale, seed, out: values.out, years: values.years ? [values.years] : undefined, force: values.force, statutory: !values["no-statutory"]};
}

const fmt = (n: number) => n.toLocaleString("en-GB");

function progressPrinter(scale: Scale) {
  const tty = process.stderr.isTTY;
  const totals = new Map<string, number>();
  return (e: ProgressEvent) => {
    if (!tty) return;
    if (scale === "demo") {
      process.stderr.write(`  ${e.laCode} ${e.type.padEnd(17)} ${String(e.files).padStart(2)} file${e.files === 1 ? " " : "s"} ${fmt(e.rows).padStart(9)} rows\n`);
      return;
    }
    totals.set(e.type, (totals.get(e.type) ?? 0) + e.rows);
    if (e.type === "participation") {
      process.stderr.write(`\r  authorities ${e.done}/${e.of}  referrals ${fmt(totals.get("referrals") ?? 0)}   `);
      if (e.done === e.of) process.stderr.write("\n");
    }
  };
}

function summary(files: WrittenFile[]): string {
  const byType = new Map<string, {files: number; rows: number}>();
  for (const f of files) {
    const t = byType.get(f.type) ?? {files: 0, rows: 0};
    t.files++;
    t.rows += f.rows;
    byType.set(f.type, t);
  }
  const lines = [...byType].map(([type, t]) => `  ${type.padEnd(17)} ${String(t.files).padStart(5)} files ${fmt(t.rows).padStart(11)} rows`);
  const rows = files.reduce((s, f) => s + f.rows, 0);
  return [...lines, `  ${"total".padEnd(17)} ${String(files.length).padStart(5)} files ${fmt(rows).padStart(11)} rows`].join("\n");
}

try {
  const opts = parse();
  if (process.stderr.isTTY) process.stderr.write(`Generating ${opts.scale} extracts (seed ${opts.seed}) …\n`);
  const result = generateDemoExtracts({seed: opts.seed, scale: opts.scale, outDir: opts.out, years: opts.years, force: opts.force, statutory: opts.statutory, onProgress: progressPrinter(opts.scale)});
  const rel = relative(process.cwd(), result.outDir);
  const where = rel === "" ? "." : rel.startsWith("..") ? result.outDir : rel;
  if (result.skipped) {
    console.log(`${where} already has files: left as they are (use --force to regenerate).`);
  } else {
    console.log(`Wrote ${result.files.length} extract files to ${where} (seed ${opts.seed}, ${(result.elapsedMs / 1000).toFixed(1)} s):`);
    console.log(summary(result.files));
    if (result.statutory.length) {
      const byFormat = new Map<string, number>();
      for (const f of result.statutory) byFormat.set(f.format, (byFormat.get(f.format) ?? 0) + 1);
      console.log(`and ${result.statutory.length} statutory files (synthetic) to ${where}/statutory: ${[...byFormat].map(([k, n]) => `${n} ${k}`).join(", ")}`);
    }
  }
} catch (err) {
  console.error(`demo-data: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(1);
}
