/** `osapi token generate|validate`: API bearer tokens signed with the API's signing key. */
import type { Command } from "@commander-js/extra-typings";
import { buildRoleTable, effectivePermissions } from "../api_auth/rbac.ts";
import { isPermission, PERMISSIONS } from "../core/permissions.ts";
import { loadSigningKey } from "../api_auth/signing_key.ts";
import { signToken, TokenError, tokenPolicy, verifyToken } from "../api_auth/tokens.ts";
import { DURATION_HELP, formatDuration, parseDuration } from "../config/units.ts";
import { CliError, EXIT_CONFIG, EXIT_FAILURE, loadFromCli } from "./context.ts";

const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");

/** Registers the `token` command group. */
export function registerToken(program: Command): void {
  const token = program.command("token").description("API bearer tokens (HS256 JWT)");

  token.command("generate")
    .description("print a signed token for a subject with roles or explicit permissions")
    .requiredOption("--subject <subject>", "who the token is for, e.g. ops@example.com")
    .option("--roles <roles>", "comma-separated roles: admin, write, read or configured ones")
    .option("--permissions <permissions>", `comma-separated permissions (override roles)`)
    .option("--expires <duration>", "lifetime, e.g. 24h, 30d", "24h")
    .action(async (opts, cmd) => {
      const { config } = await loadFromCli(cmd);
      const table = buildRoleTable(config.api.server.security.roles);
      const roles = list(opts.roles ?? "");
      const unknownRoles = roles.filter((r) => !table.has(r));
      if (unknownRoles.length > 0) {
        throw new CliError(
          `unknown role ${unknownRoles.join(", ")}; known roles: ${[...table.keys()].join(", ")}`,
          EXIT_CONFIG,
        );
      }
      const permissions = opts.permissions === undefined ? undefined : list(opts.permissions);
      const badPerms = (permissions ?? []).filter((p) => !isPermission(p));
      if (badPerms.length > 0) {
        throw new CliError(
          `unknown permission ${badPerms.join(", ")}; allowed: ${PERMISSIONS.join(", ")}`,
          EXIT_CONFIG,
        );
      }
      if (roles.length === 0 && permissions === undefined) {
        throw new CliError("give --roles or --permissions", EXIT_CONFIG);
      }
      const expiresInMs = parseDuration(opts.expires);
      if (expiresInMs === undefined || expiresInMs < 1000) {
        throw new CliError(
          `--expires ${JSON.stringify(opts.expires)}: expected ${DURATION_HELP} (at least 1s)`,
          EXIT_CONFIG,
        );
      }
      const max = config.api.server.security.max_token_lifetime;
      if (expiresInMs > max) {
        throw new CliError(
          `--expires ${opts.expires}: longer than api.server.security.max_token_lifetime ` +
            `(${formatDuration(max)}); give a shorter lifetime or raise the maximum`,
          EXIT_CONFIG,
        );
      }
      const { key } = await loadSigningKey(config);
      try {
        console.log(
          await signToken(key, {
            subject: opts.subject,
            roles,
            permissions,
            expiresInMs,
            maxLifetimeMs: max,
          }),
        );
      } catch (e) {
        if (e instanceof TokenError) throw new CliError(e.message, EXIT_CONFIG, { cause: e });
        throw e;
      }
    });

  token.command("validate")
    .description("check a token against the signing key and print its claims")
    .argument("<token>", "the token")
    .action(async (text, _opts, cmd) => {
      const { config } = await loadFromCli(cmd);
      const { key } = await loadSigningKey(config, { create: false });
      try {
        const claims = await verifyToken(key, text.trim(), tokenPolicy(config));
        const table = buildRoleTable(config.api.server.security.roles);
        console.log(JSON.stringify(
          {
            ...claims,
            issued_at: new Date(claims.iat * 1000).toISOString(),
            expires_at: new Date(claims.exp * 1000).toISOString(),
            effective_permissions: [...effectivePermissions(claims, table)].sort(),
          },
          null,
          2,
        ));
      } catch (e) {
        if (e instanceof TokenError) {
          throw new CliError(`invalid token: ${e.message}`, EXIT_FAILURE, { cause: e });
        }
        throw e;
      }
    });
}
