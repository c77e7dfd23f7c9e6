import {expect} from "vitest";
import type {ParseItem, ParseSummary} from "../../../pipelines/door/parser.js";
import type {Issue, SourceRecord} from "../../../pipelines/door/types.js";

/** Everything a parser yields, split by kind; asserts the summary comes exactly once and last. */
export async function collect(items: AsyncIterable<ParseItem>): Promise<{records: SourceRecord[]; issues: Issue[]; summary: ParseSummary}> {
  const records: SourceRecord[] = [];
  const issues: Issue[] = [];
  const summaries: ParseSummary[] = [];
  for await (const item of items) {
    expect(summaries, "nothing follows the summary").toHaveLength(0);
    if ("record" in item) records.push(item.record);
    else if ("issue" in item) issues.push(item.issue);
    else summaries.push(item.summary);
  }
  expect(summaries).toHaveLength(1);
  return {records, issues, summary: summaries[0]};
}

/** Asserts no issue message, field or rule contains any of the identifier values. */
export function expectNoIdentifierIn(issues: Issue[], identifiers: string[]): void {
  for (const issue of issues) {
    const text = `${issue.field} ${issue.rule} ${issue.message}`;
    for (const id of identifiers) expect(text, "an issue quotes an identifier").not.toContain(id);
  }
}
