import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {listRuns} from "../../pipelines/run.js";
import {quarantined} from "../quarantine.js";

const RunsQuery = z.object({limit: z.coerce.number().int().min(1).max(500).default(50), format: z.enum(["json", "csv"]).optional()});
const QuarantineQuery = z.object({
  run: z.string().regex(/^r\d{8}T\d{6}-[0-9a-f]{4}$/, "expected a run id like r20261123T020000-1a2b").optional(),
  file: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  format: z.enum(["json", "csv"]).optional()
});

describe({method: "get", path: "/api/pipeline/runs", summary: "Pipeline runs, newest first, with per-extract file, sha256, type and rows in/loaded/quarantined", tag: "pipeline", query: RunsQuery, csv: true});
describe({method: "get", path: "/api/pipeline/quarantine", summary: "Quarantined rows with their rule and message (no child keys)", tag: "pipeline", query: QuarantineQuery, csv: true});

export const pipeline = new Hono<Env>()
  .get("/runs", valid("query", RunsQuery), (c) => {
    const {limit} = c.req.valid("query");
    const runs = listRuns(c.var.services.warehouseDir).slice(0, limit).map(({pid: _pid, ...r}) => ({
      ...r,
      extracts: r.extracts.map((e) => ({
        file: e.file, sha256: e.sha256, type: e.type, la_code: e.laCode, period: e.period, outcome: e.outcome, message: e.message,
        rows_in: e.rowsIn, rows_loaded: e.rowsLoaded, rows_quarantined: e.rowsQuarantined, warnings: e.warnings
      }))
    }));
    if (wantsCsv(c)) {
      return csvResponse(c, runs.flatMap((r) => r.extracts.map((e) => ({run_id: r.run_id, status: r.status, started_at: r.started_at, finished_at: r.finished_at, ...e}))), "pipeline-runs");
    }
    return c.json({runs});
  })
  .get("/quarantine", valid("query", QuarantineQuery), async (c) => {
    const {summary, rows} = await quarantined(c.var.reader, c.req.valid("query"));
    if (wantsCsv(c)) return csvResponse(c, rows, "quarantine");
    return c.json({summary, rows});
  });
