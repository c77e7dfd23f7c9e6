// Loads one referrals extract with `columns` columns (the contract's 11 plus filler) in this process and
// prints the peak resident memory: the drill for a council export with hundreds of unwanted columns.
// Run: npx tsx test/reliability/wide-file.ts <columns> <rows> [workdir]
import {mkdirSync, mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {runPipeline} from "../../pipelines/run.js";
import {REFERRAL_HEADER, referral} from "../helpers/warehouse.js";

const [columns = "1000", rows = "300", dir = mkdtempSync(join(tmpdir(), "curve-wide-"))] = process.argv.slice(2);
const extra = Number(columns) - REFERRAL_HEADER.split(",").length;
const filler = Array.from({length: extra}, (_, i) => `extra_${i + 1}`);
const lines = [[REFERRAL_HEADER, ...filler].join(",")];
for (let i = 1; i <= Number(rows); i++) lines.push([referral(i), ...filler.map((_, j) => `v${(i * 31 + j) % 997}`)].join(","));
const inbox = join(dir, "inbox");
mkdirSync(inbox, {recursive: true});
writeFileSync(join(inbox, "referrals_821_2012-13.csv"), lines.join("\n") + "\n");
const started = Date.now();
const record = await runPipeline({inbox, warehouseDir: join(dir, "warehouse"), referenceDir: "data/reference"}, {clock: () => new Date("2026-11-23T12:00:00Z")});
const e = record.extracts[0];
console.log(JSON.stringify({columns: Number(columns), rows: Number(rows), outcome: e?.outcome, loaded: e?.rowsLoaded, message: e?.message.slice(0, 200),
  seconds: (Date.now() - started) / 1000, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024)}));
