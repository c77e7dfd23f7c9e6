import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {inspectFile, Utf8Check} from "../../pipelines/load/inspect.js";

/** Feeds `bytes` to a checker in chunks cut at every given offset. */
function checkInChunks(bytes: Buffer, cuts: number[]): boolean {
  const check = new Utf8Check();
  let from = 0;
  let ok = true;
  for (const to of [...cuts, bytes.length]) {
    if (ok) ok = check.push(bytes.subarray(from, to));
    from = to;
  }
  return ok && check.end();
}

describe("Utf8Check", () => {
  const text = Buffer.from("name,ward\nZoë,Dallow\n€100,Biscot 😀\n", "utf8");

  it("accepts a valid file wherever the chunks are cut, even inside a character", () => {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) expect(checkInChunks(text, [a, b]), `cut at ${a}, ${b}`).toBe(true);
    }
  });

  it("rejects Windows-1252 bytes, wherever the chunks are cut", () => {
    const win1252 = Buffer.from([0x5a, 0x6f, 0xeb, 0x2c, 0x80, 0x31, 0x0a]); // "Zoë,€1\n" as Excel saves it
    for (let a = 0; a <= win1252.length; a++) expect(checkInChunks(win1252, [a])).toBe(false);
  });

  it("rejects a file that ends inside a character", () => {
    expect(checkInChunks(text.subarray(0, text.indexOf(Buffer.from("😀")) + 2), [])).toBe(false);
  });

  it("rejects encoded surrogates and overlong forms, as a strict decoder does", () => {
    expect(checkInChunks(Buffer.from([0x61, 0xed, 0xa0, 0x80]), [2])).toBe(false);
    expect(checkInChunks(Buffer.from([0xc0, 0xaf]), [1])).toBe(false);
  });
});

describe("inspectFile", () => {
  it("calls a file valid UTF-8 when a character straddles its 1 MiB read chunks, and not when one byte is Windows-1252", async () => {
    const dir = mkdtempSync(join(tmpdir(), "curve-inspect-"));
    const row = "R1,Zoë\n";
    // Put the two bytes of "ë" either side of the first 1 MiB boundary the reader uses.
    const pad = "x".repeat((1 << 20) - 1 - Buffer.byteLength("id,name\nR1,Zo"));
    const body = `id,name\nR1,Zo${pad}ë\n${row.repeat(1000)}`;
    expect(Buffer.from(body).indexOf(Buffer.from("ë"))).toBe((1 << 20) - 1);
    writeFileSync(join(dir, "good.csv"), body);
    writeFileSync(join(dir, "bad.csv"), Buffer.concat([Buffer.from(body), Buffer.from([0xeb, 0x0a])]));
    expect((await inspectFile(join(dir, "good.csv"))).utf8).toBe(true);
    expect((await inspectFile(join(dir, "bad.csv"))).utf8).toBe(false);
  });
});
