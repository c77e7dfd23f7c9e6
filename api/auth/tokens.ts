import {createHash, randomBytes, timingSafeEqual} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, statSync} from "node:fs";
import {dirname} from "node:path";
import {z} from "zod";
import {writeJsonAtomic} from "../../pipelines/warehouse/store.js";
import {ROLES, type Principal} from "./roles.js";
import {firstIssue} from "../../shared/issues.js";

/**
 * Bearer tokens: `curve_<id>_<secret>`. Only a sha256 of the secret is stored, so the token file
 * grants nothing if copied. Tokens expire and can be revoked; the server rereads the file when it
 * changes, so a CLI revoke takes effect on the next request.
 */
const StoredToken = z.object({
  id: z.string().regex(/^[0-9a-f]{8}$/),
  name: z.string(),
  role: z.enum(ROLES),
  provider_id: z.string().nullable(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable()
});
const TokenFile = z.object({tokens: z.array(StoredToken)});
export type StoredToken = z.infer<typeof StoredToken>;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export class TokenStore {
  private cache: {mtime: number; tokens: StoredToken[]} | null = null;

  constructor(readonly path: string) {}

  list(): StoredToken[] {
    if (!existsSync(this.path)) return [];
    const mtime = statSync(this.path).mtimeMs;
    if (this.cache?.mtime === mtime) return this.cache.tokens;
    const parsed = TokenFile.safeParse(JSON.parse(readFileSync(this.path, "utf8")));
    if (!parsed.success) {
      const i = firstIssue(parsed.error);
      throw new Error(`${this.path} is not a valid token file: ${i.message} at ${i.field}`);
    }
    this.cache = {mtime, tokens: parsed.data.tokens};
    return parsed.data.tokens;
  }

  create(opts: {name: string; role: StoredToken["role"]; providerId?: string | null; days?: number; now?: Date}): {token: string; record: StoredToken} {
    if (opts.role === "provider" && !opts.providerId) throw new Error("a provider token must be bound to a provider: add --provider <provider_id>");
    if (opts.role !== "provider" && opts.providerId) throw new Error("only provider tokens are bound to a provider");
    const now = opts.now ?? new Date();
    const id = randomBytes(4).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const record: StoredToken = {
      id, name: opts.name, role: opts.role, provider_id: opts.providerId ?? null, hash: sha256(secret),
      created_at: now.toISOString(), expires_at: new Date(now.getTime() + (opts.days ?? 90) * 86_400_000).toISOString(), revoked_at: null
    };
    this.save([...this.list(), record]);
    return {token: `curve_${id}_${secret}`, record};
  }

  revoke(id: string, now = new Date()): StoredToken {
    const tokens = this.list();
    const t = tokens.find((x) => x.id === id);
    if (!t) throw new Error(`no token with id ${id}`);
    t.revoked_at = now.toISOString();
    this.save(tokens);
    return t;
  }

  private save(tokens: StoredToken[]): void {
    mkdirSync(dirname(this.path), {recursive: true});
    writeJsonAtomic(this.path, {tokens});
    this.cache = null;
  }

  /** The principal a bearer token stands for, or why it does not. */
  verify(token: string, now = new Date()): Principal | {reason: string} {
    const m = /^curve_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return {reason: "not a Curve token"};
    const t = this.list().find((x) => x.id === m[1]);
    if (!t || !timingSafeEqual(Buffer.from(t.hash, "hex"), Buffer.from(sha256(m[2]), "hex"))) return {reason: "unknown token"};
    if (t.revoked_at) return {reason: "token revoked"};
    if (Date.parse(t.expires_at) <= now.getTime()) return {reason: "token expired"};
    return {id: `token:${t.id}`, role: t.role, providerId: t.provider_id, via: "token"};
  }
}
