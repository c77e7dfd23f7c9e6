import {mkdtempSync, rmSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {read, recognise} from "../door/cin-census.js";
import {isRecord} from "../door/importer.js";
import {probeFile} from "../door/sniff.js";
import {writeSyntheticCinXml} from "./cin-xml.js";

/**
 * `npx tsx pipelines/bench/cin-parse.ts [children]`: the CIN census XML parse rate in MB/s on a
 * synthetic census (default 40,000 children, about the referrals of a large county in a year), with
 * the peak heap growth to show the file is streamed rather than held.
 */
export async function benchCinParse(children: number): Promise<{megabytes: number; seconds: number; cpuSeconds: number; mbPerSecond: number; mbPerCpuSecond: number; records: number; peakHeapGrowthMb: number}> {
  const dir = mkdtempSync(join(tmpdir(), "cin-bench-"));
  try {
    const path = join(dir, "synthetic-cin.xml");
    await writeSyntheticCinXml(path, children);
    const megabytes = statSync(path).size / 1e6;
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let records = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for await (const item of read(path, recognise(await probeFile(path))!)) {
      if (isRecord(item) && ++records % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds as well as wall-clock: on a shared machine the wall-clock rate mostly measures the neighbours.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {megabytes, seconds, cpuSeconds, mbPerSecond: megabytes / seconds, mbPerCpuSecond: megabytes / cpuSeconds, records, peakHeapGrowthMb: (peak - baseline) / 1e6};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchCinParse(Number(process.argv[2] ?? 40_000));
  console.log(`CIN census XML: ${r.megabytes.toFixed(1)} MB, ${r.records} records in ${r.seconds.toFixed(2)} s = ${r.mbPerSecond.toFixed(1)} MB/s wall-clock (${r.mbPerCpuSecond.toFixed(1)} MB per CPU second); peak heap growth ${r.peakHeapGrowthMb.toFixed(1)} MB`);
}
