import {zValidator} from "@hono/zod-validator";
import type {ValidationTargets} from "hono";
import type {z} from "zod";
import {ApiError} from "./errors.js";

/** zod validation whose failures are our JSON 400 with each problem named (field and expectation). */
export function valid<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const details = result.error.issues.map((i) => ({field: i.path.join(".") || target, message: i.message}));
      throw new ApiError(400, "invalid-request", `invalid ${target}: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details);
    }
  });
}
