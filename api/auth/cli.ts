import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {loadReference} from "../../pipelines/reference.js";
import {parseAuthConfig} from "./config.js";
import {ROLES, type Role} from "./roles.js";
import {TokenStore} from "./tokens.js";

/**
 * `npm run tokens -- <command>`:
 *   create --role <role> [--provider <provider_id>] [--name <who>] [--days 90]   prints the token once
 *   list                                                                         ids, roles, expiry (never secrets)
 *   revoke <id>
 */
const [command, ...args] = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const configPath = process.env.CURVE_CONFIG ?? "data/config.json";
const rawConfig = JSON.parse(readFileSync(configPath, "utf8"));
const auth = parseAuthConfig(rawConfig.auth, configPath);
const store = new TokenStore(resolve(process.env.CURVE_TOKENS ?? auth.tokens.store));

try {
  switch (command) {
    case "create": {
      const role = opt("role") as Role | undefined;
      if (!role || !ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
      const provider = opt("provider");
      if (provider !== undefined) {
        // A token bound to a provider id that does not exist would see nothing, or a later provider's data.
        const referenceDir = rawConfig.referenceDir ?? "data/reference";
        const known = loadReference(referenceDir).providers.map((p) => p.provider_id);
        if (!known.includes(provider)) {
          throw new Error(`--provider '${provider}' is not a provider in ${referenceDir}/providers.json; known: ${known.join(", ")}`);
        }
      }
      const {token, record} = store.create({role, providerId: provider ?? null, name: opt("name") ?? role, days: Number(opt("days") ?? 90)});
      console.log(`Created token ${record.id} (${record.role}${record.provider_id ? ` for ${record.provider_id}` : ""}), expires ${record.expires_at}.`);
      console.log(`Token (shown once; only its hash is stored):\n${token}`);
      break;
    }
    case "list":
      console.table(store.list().map(({hash: _hash, ...t}) => t));
      break;
    case "revoke":
      console.log(`Revoked ${store.revoke(args[0]).id}.`);
      break;
    default:
      throw new Error("commands: create --role <role> [--provider <id>] [--name <who>] [--days N] | list | revoke <id>");
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 2;
}
