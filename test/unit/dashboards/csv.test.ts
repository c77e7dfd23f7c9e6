import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types; toCsv itself needs no DOM
import {toCsv} from "../../../dashboards/components/export.js";
// @ts-expect-error as above
import {formatValue} from "../../../dashboards/components/format.js";

describe("chart CSV downloads", () => {
  it("round each value to the precision its column shows, with the unrounded value beside it for analysts", () => {
    const rows = [{period: "2015/16", value: 45.18571428571429, count: 12}, {period: "2016/17", value: -38.06, count: 9}];
    const columns = [{key: "period", label: "Period"}, {key: "value", label: "Value", format: (v: number) => formatValue(v, "per-10000")}];
    const [header, first, second] = toCsv(rows, columns).trim().split("\r\n");
    expect(header).toBe("period,value,value_unrounded,count");
    expect(first).toBe("2015/16,45.2,45.18571428571429,12");
    expect(second).toBe("2016/17,-38.1,-38.06,9");
  });

  it("keeps the old shape when a chart names no columns", () => {
    expect(toCsv([{a: 1.23456}]).trim()).toBe("a\r\n1.23456");
  });
});
