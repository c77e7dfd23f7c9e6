import {expect} from "vitest";
import {isIssue, isRecord, isTally, type ImportItem, type Tally} from "../../../pipelines/door/importer.js";
import type {Issue, SourceRecord} from "../../../pipelines/door/types.js";

/** Everything an importer yields, split by kind; asserts the tally comes exactly once and last. */
export async function collect(items: AsyncIterable<ImportItem>): Promise<{records: SourceRecord[]; issues: Issue[]; summary: Tally["tally"]}> {
  const records: SourceRecord[] = [];
  const issues: Issue[] = [];
  const tallies: Tally["tally"][] = [];
  for await (const item of items) {
    expect(tallies, "nothing follows the tally").toHaveLength(0);
    if (isTally(item)) tallies.push(item.tally);
    else if (isRecord(item)) records.push(item);
    else if (isIssue(item)) issues.push(item);
  }
  expect(tallies).toHaveLength(1);
  return {records, issues, summary: tallies[0]};
}

/** Asserts no issue message, field or rule contains any of the identifier values. */
export function expectNoIdentifierIn(issues: Issue[], identifiers: string[]): void {
  for (const issue of issues) {
    const text = `${issue.field} ${issue.rule} ${issue.message}`;
    for (const id of identifiers) expect(text, "an issue quotes an identifier").not.toContain(id);
  }
}
