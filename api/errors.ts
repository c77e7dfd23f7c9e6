import type {Context} from "hono";
import {HTTPException} from "hono/http-exception";
import type {ContentfulStatusCode} from "hono/utils/http-status";
import {WarehouseUnavailable} from "./warehouse.js";
import {DomainError, type DomainErrorKind} from "./oba/errors.js";

export {badRequest, notFound} from "./oba/errors.js";

/** An error of the HTTP layer itself (request validation, a store the server lacks); the domain raises DomainError. */
export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

/** The one place a domain error's kind becomes an HTTP status. */
const STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid: 400, forbidden: 403, "not-found": 404, conflict: 409, "cannot-compute": 422, misconfigured: 500
};

export function errorBody(code: string, message: string, details?: unknown) {
  return {error: details === undefined ? {code, message} : {code, message, details}};
}

/** Every error a client sees: `{error: {code, message, details?}}`, never a stack trace or SQL. */
export function handleError(err: Error, c: Context, log: (e: Record<string, unknown>) => void = () => undefined) {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof DomainError) return c.json(errorBody(err.code, err.message, err.details), STATUS[err.kind]);
  if (err instanceof WarehouseUnavailable) return c.json(errorBody("warehouse-unavailable", err.message), 503);
  if (err instanceof HTTPException) return c.json(errorBody(err.status === 413 ? "payload-too-large" : "http-error", err.message || "request refused"), err.status);
  log({msg: "unhandled error", error: err.message, stack: err.stack, path: c.req.path});
  return c.json(errorBody("internal", "Something went wrong on the server; it has been logged."), 500);
}
