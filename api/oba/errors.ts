/**
 * The errors the domain raises (api/oba, api/targeting, api/providers): what went wrong, in the domain's
 * words, with no HTTP in it. `kind` says which sort of refusal it is; api/errors.ts alone turns a kind
 * into a status, so the domain can be used (and tested) without a web server. `code` and `message`
 * reach the client unchanged as `{error: {code, message, details?}}`.
 */
export type DomainErrorKind =
  /** The request is malformed or asks for a combination the indicator does not offer. */
  | "invalid"
  /** The caller may not see this. */
  | "forbidden"
  /** No such indicator, ward, provider, record (or no data for it yet). */
  | "not-found"
  /** The request clashes with what is stored. */
  | "conflict"
  /** The request is well-formed, but the loaded data cannot answer it (too few points, a year not loaded, no cases). */
  | "cannot-compute"
  /** A catalogue the server ships is incomplete: the server's fault, not the caller's. */
  | "misconfigured";

export class DomainError extends Error {
  constructor(readonly kind: DomainErrorKind, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new DomainError("not-found", "not-found", `${what} '${id}' does not exist`);
export const badRequest = (message: string, details?: unknown) => new DomainError("invalid", "bad-request", message, details);
