/**
 * The first problem a zod schema found, as the field it is in (its path joined with dots) and what was
 * expected. Every loader that validates a file names the field the same way. Typed by shape, not by
 * zod, so that this module imports nothing (test/unit/layering.test.ts) and pipelines and API share it.
 */
export interface Issue {
  /** The path joined with dots, under `under` when given; `top` when the problem is the whole value. */
  field: string;
  message: string;
  path: readonly PropertyKey[];
}

export function firstIssue(error: {issues: readonly {path: readonly PropertyKey[]; message: string}[]}, {under, top = ""}: {under?: string; top?: string} = {}): Issue {
  const {path, message} = error.issues[0];
  const joined = path.map(String).join(".");
  const field = under === undefined ? joined || top : joined ? `${under}.${joined}` : under;
  return {field, message, path};
}

/** "source: field: message", the usual first line of a file that failed validation. */
export const issueLine = (source: string, error: Parameters<typeof firstIssue>[0]) => {
  const i = firstIssue(error);
  return `${source}: ${i.field}: ${i.message}`;
};
