import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {assertCovered, latestYear, resolvePeriod} from "../providers/episodes.js";
import {buildServiceMap, loadNeed, loadWards} from "../providers/service-map.js";
import {ApiError} from "../errors.js";
import {accessOf} from "../auth/disclosure.js";
import {loadProviderData} from "../providers/data.js";

/** The service map: commissioned provision against need by ward × level of need × age group, with gaps flagged. */

const MapQuery = z.object({
  period: z.string().trim().max(20).optional()
    .describe("a financial year such as 2014/15, or a quarter such as 2014/15 Q2 (default: the latest financial year loaded)"),
  gapsOnly: z.enum(["true", "false"]).optional().describe("true: only the cells flagged as gaps (CSV and JSON)"),
  format: z.enum(["json", "csv"]).optional()
});

describe({method: "get", path: "/api/services/map", summary: "Commissioned provision by ward × level of need (1-4) × age group against need (CAFs and referrals) in the same cells, with gaps flagged", tag: "services", query: MapQuery, csv: true, responses: {422: "period not loaded"}});

export const services = new Hono<Env>()
  .get("/map", valid("query", MapQuery), async (c) => {
    const q = c.req.valid("query");
    const db = c.var.reader;
    const data = await loadProviderData(db);
    const providers = data.providers;
    const period = q.period ? resolvePeriod(q.period) : latestYear(data.coverage);
    if (!period) throw new ApiError(422, "no-service-episodes", "no service-episodes extract has been loaded yet, so there is no provision to map");
    assertCovered(period, data.coverage);
    const config = db.reference.measures.serviceMap;
    const [need, wards] = await Promise.all([loadNeed(db, data.laCode, period, config), loadWards(db, data.laCode)]);
    const map = buildServiceMap({period, wards, need: need.rows, unmappedReferrals: need.unmappedReferrals, episodes: data.episodes, providers, config, access: accessOf(c)});
    const gapsOnly = q.gapsOnly === "true";
    if (wantsCsv(c)) {
      const rows = map.wards.flatMap((w) => w.cells.filter((cell) => !gapsOnly || cell.flag !== null).map((cell) => ({period: period.label, ward: w.ward, ward_name: w.name, area: w.area, ...cell, programmes: cell.programmes.join(" ")})));
      return csvResponse(c, rows, `service-map-${period.label.replace(/[^0-9A-Za-z]+/g, "-")}`);
    }
    return c.json(gapsOnly ? {...map, wards: map.wards.map((w) => ({...w, cells: w.cells.filter((cell) => cell.flag !== null)})).filter((w) => w.cells.length)} : map);
  });
