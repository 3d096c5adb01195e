/**
 * The admin token `serve` writes on first start (`<data_dir>/api/admin.token`, 0600), so that a
 * fresh installation is usable at once without putting a token in a log.
 */
import type { Config } from "../config/schema.ts";
import { ensurePrivateDir, writeSecretFile } from "../config/paths.ts";
import { adminTokenPath, apiStateDir } from "../config/state_layout.ts";
import { signToken, tokenPolicy, verifyToken } from "./tokens.ts";

/** Lifetime of the generated admin token. */
export const ADMIN_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Returns the admin token file, writing a new token when there is none, or when the one there
 * is expired or signed with another key.
 */
export async function ensureAdminToken(
  config: Config,
  signingKey: string,
): Promise<{ path: string; created: boolean }> {
  const path = adminTokenPath(config);
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    await verifyToken(signingKey, existing, tokenPolicy(config));
    return { path, created: false };
  } catch {
    // missing, unreadable, expired or signed with another key: write a new one
  }
  await ensurePrivateDir(apiStateDir(config));
  const token = await signToken(signingKey, {
    subject: `admin@${Deno.hostname()}`,
    roles: ["admin"],
    expiresInMs: Math.min(ADMIN_TOKEN_TTL_MS, config.api.server.security.max_token_lifetime),
    maxLifetimeMs: config.api.server.security.max_token_lifetime,
  });
  await writeSecretFile(path, token + "\n");
  return { path, created: true };
}
