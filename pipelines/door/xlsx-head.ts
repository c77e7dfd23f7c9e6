import {inflateRawSync, constants} from "node:zlib";

/**
 * The sheet names of an xlsx workbook from its first bytes alone, so a file can be recognised without
 * unzipping it: walks the zip's local file headers to xl/workbook.xml (written early by Excel, LibreOffice
 * and exceljs) and inflates it. Null when the head is not a zip or the workbook part is not in it.
 */
export function sheetNamesFromHead(head: Buffer): string[] | null {
  let at = 0;
  while (at + 30 <= head.length && head.readUInt32LE(at) === 0x04034b50) {
    const flags = head.readUInt16LE(at + 6);
    const method = head.readUInt16LE(at + 8);
    const compressedSize = head.readUInt32LE(at + 18);
    const nameLength = head.readUInt16LE(at + 26);
    const extraLength = head.readUInt16LE(at + 28);
    const name = head.toString("utf8", at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extraLength;
    // Streaming writers put sizes in a trailing descriptor (flag bit 3): inflate stops at its own end.
    const sizeKnown = (flags & 8) === 0;
    const end = sizeKnown ? Math.min(head.length, start + compressedSize) : head.length;
    if (name === "xl/workbook.xml") {
      const data = head.subarray(start, end);
      let xml: string;
      try {
        xml = (method === 0 ? data : inflateRawSync(data, {finishFlush: constants.Z_SYNC_FLUSH})).toString("utf8");
      } catch {
        return null;
      }
      return [...xml.matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"/g)].map((m) => decodeXml(m[1]));
    }
    if (sizeKnown) {
      at = start + compressedSize;
      continue;
    }
    // Sizes unknown: inflate the entry to learn how many bytes it used, then skip its data descriptor.
    if (method !== 8) return null;
    let used: number;
    try {
      const {engine} = inflateRawSync(head.subarray(start), {info: true}) as unknown as {engine: {bytesWritten: number}};
      used = engine.bytesWritten;
    } catch {
      return null;
    }
    at = start + used;
    if (at + 4 <= head.length && head.readUInt32LE(at) === 0x08074b50) at += 4;
    at += 12;
  }
  return null;
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}
