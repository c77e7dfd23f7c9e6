import {execFile} from "node:child_process";
import {mkdtempSync, readFileSync, statSync, writeFileSync, existsSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {describe, expect, it} from "vitest";
import {ChildKeyError, ChildKeys, loadChildKey} from "../../../pipelines/door/identity.js";
import {parsePostcode, readPostcodeLookup} from "../../../pipelines/door/postcodes.js";
import {recognise} from "../../../pipelines/door/registry.js";
import {yearFromName} from "../../../pipelines/door/returns.js";
import {probeFile} from "../../../pipelines/door/sniff.js";
import {validateCommand} from "../../../pipelines/door/validate-command.js";
import {exitCodeOf} from "../../../pipelines/door/validate-command.js";
import {buildAnnexA} from "../../fixtures/statutory/annex-a/build.js";
import {FIXTURES, leaks, RETURN_2013} from "./fixtures.js";

const run = promisify(execFile);
const file = (name: string) => join(RETURN_2013, name);
const scratchDir = () => mkdtempSync(join(tmpdir(), "curve-validate-"));

describe("recognition by content", () => {
  it("recognises every 903 table by its DfE columns, whatever the file is called", async () => {
    const tables = {Header: "header", Episodes: "episodes", UASC: "uasc", Missing: "missing", OC2: "oc2", OC3: "oc3", Reviews: "reviews",
      AD1: "ad1", PlacedAdoption: "placed_adoption", PrevPerm: "prev_perm"};
    for (const [name, table] of Object.entries(tables)) {
      const dir = scratchDir();
      writeFileSync(join(dir, "Export (3).csv"), readFileSync(file(`SSDA903_2013_${name}.csv`)));
      const found = await recognise(await probeFile(join(dir, "Export (3).csv")));
      expect(found?.recognition.format).toBe(`ssda903:${table}`);
    }
  });

  it("tells XML, xlsx and Parquet apart by their first bytes and recognises none of them as 903", async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "a"), `<?xml version="1.0"?>\n<!-- x -->\n<Message xmlns="http://x"><Header/></Message>`);
    writeFileSync(join(dir, "b"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]));
    writeFileSync(join(dir, "c"), Buffer.from("PAR1xxxx"));
    expect(await probeFile(join(dir, "a"))).toMatchObject({kind: "xml", xmlRoot: "Message"});
    expect((await probeFile(join(dir, "b"))).kind).toBe("xlsx");
    expect((await probeFile(join(dir, "c"))).kind).toBe("parquet");
    for (const f of ["a", "b", "c"]) expect(await recognise(await probeFile(join(dir, f)))).toBeNull();
  });

  it("reads the return year from a file name (the year ending 31 March)", () => {
    expect(yearFromName("SSDA903_2013_Episodes.csv")).toBe(2013);
    expect(yearFromName("episodes 2012-13.csv")).toBe(2013);
    expect(yearFromName("episodes_201213.csv")).toBe(2013);
    // Two years that do not follow are no financial year: the first is read as a lone year.
    expect(yearFromName("episodes 2012-15.csv")).toBe(2012);
    expect(yearFromName("episodes.csv")).toBeNull();
  });
});

describe("the child key", () => {
  it("is created on first use with mode 0600 outside the repository and gives the same key for the same child and authority", () => {
    const path = join(scratchDir(), "nested", "child-key");
    const first = new ChildKeys(loadChildKey(path));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = new ChildKeys(loadChildKey(path));
    expect(again.of("821", "LC700123")).toBe(first.of("821", " LC700123 "));
    expect(first.of("821", "LC700123")).toMatch(/^[0-9a-f]{32}$/);
    expect(first.of("822", "LC700123")).not.toBe(first.of("821", "LC700123"));
    expect(JSON.stringify({first})).not.toContain(readFileSync(path, "utf8").trim());
  });

  it("refuses a key file inside the project folder", () => {
    expect(() => loadChildKey(join(process.cwd(), "data", "child-key"))).toThrow(ChildKeyError);
    expect(existsSync(join(process.cwd(), "data", "child-key"))).toBe(false);
  });
});

describe("postcode lookup", () => {
  it("maps full postcodes exactly and 903 postcode sectors to the ward holding most of the sector", async () => {
    const lookup = await readPostcodeLookup([join(FIXTURES, "postcode-wards.csv")]);
    expect(lookup.ward("821", "lu1 3jh")).toBe("biscot");
    expect(lookup.ward("821", "LU3 2")).toBe("farley");
    expect(lookup.area("821", "MK40 2AB")).toBe("out");
    expect(lookup.area("821", "LU2 7QT")).toBe("in");
    expect(lookup.ward("886", "LU1 3JH")).toBeNull();
    expect(parsePostcode("not a postcode")).toBeNull();
  });
});

describe("validate: bad input gets a clear per-file answer naming row, field and rule, never an identifier", () => {
  const dir = scratchDir();
  const header = readFileSync(file("SSDA903_2013_Header.csv"), "utf8");
  const episodes = readFileSync(file("SSDA903_2013_Episodes.csv"), "utf8").trim().split("\n");

  it("reports a code not in that year's list with the DfE rule, a future date, and overlapping episodes", async () => {
    writeFileSync(join(dir, "h.csv"), header);
    const bad = [...episodes.slice(0, 4),
      // row 4: LS 'Z9' is no legal status; row 5: ended with E43, a code the 2021 specification removed (here the 2022 return).
      "LC700456,01/09/2012,S,Z9,N4,R1,PR0,,,,LU3 2HX,LU3 2HY,",
      "LC700789,01/12/2012,S,C2,N1,A4,PR1,01/01/2013,E43,,LU4 9PL,LU4 9PM,",
      "LC701010,15/01/2031,S,E1,N1,U1,PR1,,,,LU1 3JH,LU1 3JJ,"];
    writeFileSync(join(dir, "e_2013.csv"), bad.join("\n") + "\n");
    writeFileSync(join(dir, "e_2022.csv"), [episodes[0], "LC700789,01/12/2021,S,C2,N1,A4,PR1,01/01/2022,E43,,LU4 9PL,LU4 9PM,"].join("\n") + "\n");
    const [h, e] = await validateCommand([join(dir, "h.csv"), join(dir, "e_2013.csv")], {defaultLa: "821", asOf: new Date("2026-01-01")});
    const [later] = await validateCommand([join(dir, "e_2022.csv")], {defaultLa: "821", asOf: new Date("2026-01-01")});
    expect(h).toMatchObject({format: "ssda903:header", la: "821", year: 2013, rows: 4, issues: []});
    const rules = e.issues.map((i) => [i.row, i.field, i.rule]);
    expect(rules).toContainEqual([4, "LS", "144"]);
    expect(rules).toContainEqual([6, "DECOM", "future-date"]);
    expect(rules).toContainEqual([4, "DECOM", "overlapping-episode"]); // child 456 already in care from June 2012, never ceased
    expect(e.issues.find((i) => i.rule === "144")!.message).toMatch(/'Z9' is not a code of the 2012-13 return/);
    expect(later.issues.map((i) => [i.row, i.field, i.rule])).toContainEqual([1, "REC", "149"]);
    expect(leaks(JSON.stringify([h, e, later]))).toEqual([]);
  });

  it("reports a 903 table missing a required column as a file issue, and an unreadable file with exit code 2", async () => {
    writeFileSync(join(dir, "no-ls.csv"), episodes.map((l) => l.split(",").filter((_, i) => i !== 3).join(",")).join("\n") + "\n");
    writeFileSync(join(dir, "garbage.bin"), Buffer.from([0, 1, 2, 3, 0, 9]));
    const ok = await run("npx", ["tsx", "pipelines/cli.ts", "validate", "--json", "--la", "821", join(dir, "h.csv"), join(dir, "no-ls.csv")]);
    const reports = JSON.parse(ok.stdout);
    expect(Object.keys(reports[1])).toEqual(["file", "format", "la", "year", "rows", "issues"]);
    expect(reports[1]).toMatchObject({format: "ssda903:episodes", la: "821", rows: 6});
    expect(reports[1].issues).toContainEqual(expect.objectContaining({row: null, field: "LS", rule: "missing-column"}));
    const failed = await run("npx", ["tsx", "pipelines/cli.ts", "validate", "--json", join(dir, "h.csv"), join(dir, "garbage.bin")]).catch((err) => err);
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stdout)[1]).toMatchObject({format: null, issues: [expect.objectContaining({rule: "unrecognised"})]});
    expect(leaks(ok.stdout + failed.stdout + ok.stderr + failed.stderr)).toEqual([]);
  }, 60_000);

  it("refuses a file whose folder names another authority than its content", async () => {
    const reports = await validateCommand([file("SSDA903_2013_Header.csv")], {defaultLa: null});
    expect(reports[0].issues[0]).toMatchObject({rule: "authority-or-year"});
    expect(reports[0].issues[0].message).toMatch(/cannot tell which authority/);
  });
});

describe("validate: CIN census, Annex A and SSD files", () => {
  it("reports each file's format, authority, year, rows (and children for XML) and issues, as JSON", async () => {
    const dir = scratchDir();
    await buildAnnexA(join(dir, "Annex A June.xlsx"));
    const cin = join(FIXTURES, "cin", "cin-census-2022-23.xml");
    const ssd = [join(FIXTURES, "ssd", "ssd_cp_plans.csv"), join(FIXTURES, "ssd", "ssd_person.csv")];
    const ok = await run("npx", ["tsx", "pipelines/cli.ts", "validate", "--json", "--la", "822", cin, join(dir, "Annex A June.xlsx"), ...ssd]);
    const [census, annexA, plans, persons] = JSON.parse(ok.stdout);
    expect(Object.keys(census)).toEqual(["file", "format", "la", "year", "rows", "children", "issues"]);
    // The census names its own authority; --la only fills in for files that do not say.
    expect(census).toMatchObject({format: "cin-census", la: "821", year: 2023, rows: 4, children: 3});
    expect(census.issues).toEqual([expect.objectContaining({row: 3, field: "PrimaryNeedCode", rule: "8650"})]);
    // An Annex A covers the months before an inspection, not one return year: each row keeps its own date.
    expect(annexA).toMatchObject({format: "annex-a", la: "822", year: null, rows: 10});
    expect(annexA.issues).toEqual([expect.objectContaining({row: 3, field: "Date of referral", rule: "annex-a-invalid-date"})]);
    expect(plans).toMatchObject({format: "ssd:cp_plans", la: "822", year: null, rows: 2, issues: []});
    expect(persons).toMatchObject({format: "ssd:person", rows: 3, issues: []});
    expect(leaks(ok.stdout + ok.stderr)).toEqual([]);
  }, 60_000);

  it("says an SSD table whose characteristics live in a missing ssd_person cannot be loaded alone", async () => {
    const [plans] = await validateCommand([join(FIXTURES, "ssd", "ssd_cp_plans.csv")], {defaultLa: "822"});
    expect(plans.issues.map((i) => i.rule)).toEqual(["ssd-person-not-joined", "incomplete-return"]);
    expect(plans.issues[1].message).toMatch(/ssd:person table of the same extract \(authority 822\)/);
  });

  it("reports a truncated CIN census as unreadable (exit code 2), naming where it ends, without quoting it", async () => {
    const dir = scratchDir();
    const whole = readFileSync(join(FIXTURES, "cin", "cin-census-2022-23.xml"), "utf8");
    writeFileSync(join(dir, "census.xml"), whole.slice(0, whole.indexOf("LUT0051177") + 5));
    const reports = await validateCommand([join(dir, "census.xml")], {defaultLa: null});
    expect(reports[0]).toMatchObject({format: "cin-census", la: "821", year: 2023, children: 1, readable: false});
    expect(reports[0].issues.at(-1)).toMatchObject({row: null, field: "file", rule: "xml-truncated", fatal: true});
    expect(exitCodeOf(reports)).toBe(2);
    expect(leaks(JSON.stringify(reports))).toEqual([]);
  });
});
