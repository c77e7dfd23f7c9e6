import {z} from "zod";

/**
 * The OpenAPI document is assembled from the same zod schemas the routes validate with, so it cannot
 * drift from what the server accepts. Each resource registers its operations beside its handlers.
 */
interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  responses?: Record<number, string>;
  csv?: boolean;
}

const operations: Operation[] = [];

export function describe(op: Operation): void {
  if (!operations.some((o) => o.method === op.method && o.path === op.path)) operations.push(op);
}

function parameters(schema: z.ZodObject | undefined, where: "query" | "path") {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, {io: "input", unrepresentable: "any"}) as {properties?: Record<string, unknown>; required?: string[]};
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: s
  }));
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, "{$1}");
    const responses: Record<string, unknown> = {
      200: {description: "OK", content: {"application/json": {}, ...(op.csv ? {"text/csv": {}} : {})}},
      400: {description: "Invalid request", content: {"application/json": {schema: {$ref: "#/components/schemas/Error"}}}}
    };
    for (const [status, description] of Object.entries(op.responses ?? {})) {
      responses[status] = {description, content: {"application/json": {schema: {$ref: "#/components/schemas/Error"}}}};
    }
    paths[path] ??= {};
    paths[path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: [...parameters(op.params, "path"), ...parameters(op.query, "query")],
      ...(op.body ? {requestBody: {required: true, content: {"application/json": {schema: z.toJSONSchema(op.body, {io: "input", unrepresentable: "any"})}}}} : {}),
      responses
    };
  }
  return {
    openapi: "3.1.0",
    info: {title: "Curve API", version: "0.1.0", description: "Outcomes and commissioning analytics for children's services. Every count is disclosure-controlled; every error is {error: {code, message, details?}}."},
    paths,
    components: {
      schemas: {
        Error: {type: "object", properties: {error: {type: "object", properties: {code: {type: "string"}, message: {type: "string"}, details: {}}, required: ["code", "message"]}}}
      }
    }
  };
}
