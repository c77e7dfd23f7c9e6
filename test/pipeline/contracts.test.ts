import {DuckDBInstance} from "@duckdb/node-api";
import {describe, expect, it} from "vitest";
import {contractFor, parseExtractName, rowSchema} from "../../pipelines/contracts/extracts.js";
import {field, fieldSchema, parseDate, sqlString, sqlValue, type Field} from "../../pipelines/contracts/fields.js";
import {isNhsNumber, screenHeaders} from "../../pipelines/contracts/identifiers.js";
import {queryRows} from "../../pipelines/warehouse/store.js";

const SAMPLES: [Field, string[]][] = [
  [field.date("d", "a date"), ["2012-06-15", "15/06/2012", "2012-02-30", "31/04/2012", "2012-6-1", "06/15/2012", "yesterday", ""]],
  [field.month("m", "a month"), ["2008-05", "05/2008", "2008-13", "2008-5", "2008-05-01"]],
  [field.int("i", "an int", 1, 4), ["1", "4", "0", "5", "2.5", "x", "-1"]],
  [field.number("n", "a number", 0, 1000), ["0", "12.5", "1000", "1000.01", "-3", "1e3", "abc"]],
  [field.enum("e", "an enum", ["NEG", "EMO"]), ["NEG", "EMO", "neg", "PHY"]],
  [field.codes("c", "codes", ["3A", "4B", "21"]), ["3A", "3A;4B", "3A; 4B", "3A;9Z", ""]],
  [field.key("k", "a key"), ["abc0000000000001", "ABC0000000000001", "abc", "abc000000000000g"]]
];

describe("extract contracts", () => {
  it("parses a date the same the second time (from the table of dates seen) and keeps an impossible one null", () => {
    const values = ["2012-06-15", "15/06/2012", "2012-02-29", "2013-02-29", "31/04/2012", "2012-6-01x", " 2012-06-15", "2012-06-15 "];
    const expected = ["2012-06-15", "2012-06-15", "2012-02-29", null, null, null, null, null];
    for (let round = 0; round < 2; round++) expect(values.map(parseDate), `round ${round + 1}`).toEqual(expected);
  });

  it("reads every value the same way row by row (zod) and file at a time (DuckDB SQL)", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    for (const [f, values] of SAMPLES) {
      for (const v of values) {
        const [row] = await queryRows<{v: unknown}>(conn, `SELECT (${sqlValue(f).replaceAll(`"${f.name}"`, sqlString(v))})::VARCHAR AS v`);
        const parsed = fieldSchema({...f, required: false}).safeParse(v);
        const zodValue = parsed.success ? parsed.data : null;
        const sqlText = row.v === null ? null : f.type.kind === "number" ? String(Number(row.v)) : String(row.v);
        const zodText = zodValue === null ? null : Array.isArray(zodValue) ? `[${zodValue.join(", ")}]` : String(zodValue);
        expect(sqlText, `${f.type.kind} '${v}'`).toBe(zodText);
      }
    }
    conn.closeSync();
    instance.closeSync();
  });

  it("names the field and what was expected when a row is invalid", () => {
    const result = rowSchema(contractFor("cp_plans", 2012)).safeParse({
      plan_id: "P1", child_key: "abc0000000000001", la_code: "821", birth_month: "2010-01", sex: "1", ethnicity: "White",
      ward: "dallow", start_date: "2012-13-01", end_date: "", category: "XYZ", plan_sequence: "1", factors: ""
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toContain("start_date: expected a date as YYYY-MM-DD or DD/MM/YYYY, got '2012-13-01'");
    expect(messages).toContain("category: expected one of NEG, EMO, PHY, SAB, MUL, got 'XYZ'");
  });

  it("keys code lists by collection year: sex is 1/2/9 before 2024-25 and M/F/U from it", () => {
    const sex = (year: number) => contractFor("referrals", year).fields.find((f) => f.name === "sex")!.type;
    expect(sex(2012)).toMatchObject({values: ["1", "2", "9", "0"]});
    expect(sex(2024)).toMatchObject({values: ["M", "F", "U"]});
    expect(() => contractFor("referrals", 2001)).toThrow(/earliest is 2008/);
  });

  it("reads type, authority and collection year from the file name, or says what is wrong with it", () => {
    expect(parseExtractName("cp_plans_821_2013-14.csv")).toEqual({type: "cp_plans", laCode: "821", collectionYear: 2013, period: "2013-14"});
    expect(parseExtractName("plans_821_2013-14.csv")).toMatchObject({error: expect.stringMatching(/unknown extract type 'plans'/)});
    expect(parseExtractName("referrals_821_2013-15.csv")).toMatchObject({error: expect.stringMatching(/not a financial year/)});
    expect(parseExtractName("referrals.csv")).toMatchObject({error: expect.stringMatching(/is not named/)});
  });

  it("recognises NHS numbers by their modulus-11 check digit and identifier-like column names", () => {
    expect(isNhsNumber("943 476 5919")).toBe(true);
    expect(isNhsNumber("9434765918")).toBe(false);
    expect(screenHeaders(["child_key", "Forename", "NHS_Number", "post code", "DOB", "ward"]).map((f) => f.column)).toEqual(["Forename", "NHS_Number", "post code", "DOB"]);
  });
});
