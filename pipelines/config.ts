import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {z} from "zod";
import {Cron} from "croner";
import {DisclosureConfig} from "../api/oba/policy.js";
import {firstIssue} from "../shared/issues.js";

/** A replacement may lose up to 20% of its period's published rows before it is held for --accept. */
export const DEFAULT_MAX_LOSS_SHARE = 0.2;

/** data/config.json, validated: a bad schedule or path fails at start with the field named. */
export const Config = z.object({
  inbox: z.string().min(1),
  demoExtracts: z.string().min(1),
  warehouseDir: z.string().min(1),
  referenceDir: z.string().min(1),
  appStore: z.string().min(1),
  keepVersions: z.number().int().min(1).max(50),
  pipelineSchedule: z.string().nullable().refine((s) => {
    if (s === null) return true;
    try {
      new Cron(s, {paused: true}).stop();
      return true;
    } catch {
      return false;
    }
  }, "expected a cron expression such as '0 2 * * *' (02:00 nightly) or null"),
  port: z.number().int().min(1).max(65535),
  /**
   * What the demo inbox is made of: the synthetic statutory files (SSDA903, CIN census) for the
   * five types they cover ("statutory", the default: the path a council's data takes), or Curve's
   * own layout for every extract ("curve").
   * CURVE_DEMO_INPUT overrides it. See pipelines/demo/statutory/inbox.ts.
   */
  demoInput: z.enum(["curve", "statutory"]).optional(),
  /** A file that would lose more than this share of its period's published rows is held for --accept. */
  replaceGuard: z.object({maxLossShare: z.number().min(0).max(1)}).optional(),
  /** The authority (3-digit DfE number) of statutory files that do not say and sit in no authority folder. */
  laCode: z.string().regex(/^\d{3}$/, "expected a 3-digit DfE LA number").nullable().optional(),
  /** The secret key file for child keys; must be outside the project folder (default ~/.config/curve/child-key). */
  childKeyFile: z.string().min(1).nullable().optional(),
  /** Disclosure policy by audience: primaryMax, roundTo and showPublished per suppressed role (api/oba/policy.ts). */
  disclosure: DisclosureConfig.optional()
});
export type Config = z.infer<typeof Config>;

export function loadConfig(path = process.env.CURVE_CONFIG ?? "data/config.json"): Config {
  const result = Config.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!result.success) {
    const issue = firstIssue(result.error);
    throw new Error(`${path}: field ${issue.field}: ${issue.message}`);
  }
  const c = result.data;
  // Environment overrides let tests and a second instance point at their own directories.
  return {
    ...c,
    inbox: resolve(process.env.CURVE_INBOX ?? c.inbox),
    warehouseDir: resolve(process.env.CURVE_WAREHOUSE ?? c.warehouseDir),
    referenceDir: resolve(c.referenceDir),
    demoExtracts: resolve(process.env.CURVE_DEMO_EXTRACTS ?? c.demoExtracts),
    appStore: resolve(process.env.CURVE_APP_STORE ?? c.appStore),
    port: Number(process.env.PORT ?? c.port),
    demoInput: process.env.CURVE_DEMO_INPUT === "statutory" || process.env.CURVE_DEMO_INPUT === "curve" ? process.env.CURVE_DEMO_INPUT : (c.demoInput ?? "statutory"),
    replaceGuard: c.replaceGuard ?? {maxLossShare: DEFAULT_MAX_LOSS_SHARE}
  };
}
