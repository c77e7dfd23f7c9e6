import type {Context} from "hono";
import {HTTPException} from "hono/http-exception";
import type {ContentfulStatusCode} from "hono/utils/http-status";
import {WarehouseUnavailable} from "./warehouse.js";

/** Every error a client sees: `{error: {code, message, details?}}`, never a stack trace or SQL. */
export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, "not-found", `${what} '${id}' does not exist`);
export const badRequest = (message: string, details?: unknown) => new ApiError(400, "bad-request", message, details);

export function errorBody(code: string, message: string, details?: unknown) {
  return {error: details === undefined ? {code, message} : {code, message, details}};
}

export function handleError(err: Error, c: Context, log: (e: Record<string, unknown>) => void = () => undefined) {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof WarehouseUnavailable) return c.json(errorBody("warehouse-unavailable", err.message), 503);
  if (err instanceof HTTPException) return c.json(errorBody(err.status === 413 ? "payload-too-large" : "http-error", err.message || "request refused"), err.status);
  log({msg: "unhandled error", error: err.message, stack: err.stack, path: c.req.path});
  return c.json(errorBody("internal", "Something went wrong on the server; it has been logged."), 500);
}
