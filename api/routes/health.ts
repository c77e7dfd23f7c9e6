import {Hono} from "hono";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {summariseWarehouse} from "../../pipelines/warehouse/summary.js";

describe({method: "get", path: "/api/health", summary: "Service health: the published warehouse version, when it was published, and row counts", tag: "platform", responses: {503: "No warehouse published yet"}});

export const health = new Hono<Env>().get("/", async (c) => {
  const {warehouse} = c.var.services;
  const summary = await warehouse.use((conn) => summariseWarehouse(conn));
  return c.json({status: "ok", warehouse: summary});
});
