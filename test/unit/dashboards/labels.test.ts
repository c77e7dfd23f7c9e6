import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types; placeLabels itself needs no DOM
import {labelWidth, placeLabels} from "../../../dashboards/components/labels.js";

type Box = {x: number; y: number; w: number; labelY: number; moved: boolean};
// Where a placed label is drawn: its left edge, width and new centre.
const at = (p: Box) => ({x: p.x, w: p.w, y: p.labelY});
const overlapping = (a: {x: number; w: number; y: number}, b: {x: number; w: number; y: number}, line: number) => a.x < b.x + b.w && b.x < a.x + a.w && Math.abs(a.y - b.y) < line;

describe("point labels (one placement rule for every chart that labels its points)", () => {
  it("leave a label that touches nothing beside its point", () => {
    const [a, b] = placeLabels([{x: 10, y: 50, w: 60}, {x: 200, y: 50, w: 60}], {top: 0, bottom: 300}) as Box[];
    expect([a.labelY, a.moved, b.labelY, b.moved]).toEqual([50, false, 50, false]);
  });

  it("move labels that would print over one another apart by at least a line, nearest place first, and mark them moved", () => {
    // Eight providers of similar size and rate: their labels start on top of each other.
    const labels = Array.from({length: 8}, (_, i) => ({x: 100 + i, y: 150 + i, w: labelWidth("Parenting Works Ltd")}));
    const placed = placeLabels(labels, {top: 0, bottom: 300, lineHeight: 13}) as Box[];
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) expect(overlapping(at(placed[i]), at(placed[j]), 13), `${i} and ${j}`).toBe(false);
    expect(placed.filter((p) => p.moved).length).toBeGreaterThan(0);
    // Nearest clear place, alternating below and above: eight labels stay within five lines of their points.
    for (const p of placed) expect(Math.abs(p.labelY - p.y)).toBeLessThanOrEqual(5 * 13 + 1);
    // In the order given, with the input kept.
    expect(placed.map((p) => p.x)).toEqual(labels.map((l) => l.x));
  });

  it("keep labels clear of fixed text (the funnel's average) and inside the plot", () => {
    const obstacle = {x: 180, y: 100, w: 80};
    const placed = placeLabels([{x: 190, y: 102, w: 50}, {x: 20, y: 2, w: 50}, {x: 20, y: 299, w: 50}], {top: 0, bottom: 300, obstacles: [obstacle]}) as Box[];
    expect(overlapping(at(placed[0]), obstacle, 13)).toBe(false);
    expect(placed[0].moved).toBe(true);
    expect(placed[1].labelY).toBeGreaterThanOrEqual(6.5);
    expect(placed[2].labelY).toBeLessThanOrEqual(300 - 6.5);
  });

  it("estimate a label's width from its characters at the font size drawn", () => {
    expect(labelWidth("abcdefghij", 10)).toBeCloseTo(62);
    expect(labelWidth("abcdefghij", 11)).toBeGreaterThan(labelWidth("abcdefghij", 10));
  });
});
