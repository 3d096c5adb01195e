/**
 * `/security/token` (what the caller's token may do) and `/security` (the NATS auth mode,
 * namespaces, accounts, users and expiring credentials: public keys and names only, never
 * seeds, passwords or tokens). The dashboard uses both.
 */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import { ApiError } from "../problem.ts";
import { securedRoute } from "../route.ts";

const TokenInfo = z.object({
  subject: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()).openapi({
    description: "effective permissions (the token's `permissions` claim, else its roles')",
  }),
}).openapi("TokenInfo");

const Account = z.object({
  name: z.string(),
  public_key: z.string().optional().openapi({ description: "account public NKey (A...)" }),
  kind: z.string().openapi({ description: "system, namespace, callout or view" }),
}).openapi("SecurityAccount");

const User = z.object({
  name: z.string().optional(),
  public_key: z.string().optional().openapi({ description: "user public NKey (U...)" }),
  account: z.string().optional(),
  role: z.string().optional(),
  namespace: z.string().optional(),
  hostname: z.string().optional(),
  source: z.string().openapi({ description: "user_pass, nkey, callout or operator" }),
}).openapi("SecurityUser");

const Credential = z.object({
  kind: z.string().openapi({ example: "NATS user creds" }),
  name: z.string(),
  public_key: z.string().optional(),
  account: z.string().optional(),
  expires: z.string().nullable().openapi({ description: "ISO 8601 expiry; null: never" }),
  expired: z.boolean(),
}).openapi("SecurityCredential");

const SecurityResponse = z.object({
  nats: z.object({
    auth_mode: z.string().openapi({ description: "nats.server.auth.type" }),
    isolation: z.string().openapi({ description: "nats.server.auth.isolation" }),
    namespaces: z.array(z.string()),
    accounts: z.array(Account),
    users: z.array(User),
    callout: z.object({
      account: z.string(),
      target_account: z.string(),
      user_ttl: z.string(),
    }).optional(),
  }),
  credentials: z.array(Credential).openapi({ description: "credentials with a lifetime" }),
}).openapi("SecurityResponse");

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });

/** Registers the `/security*` routes. */
export function registerSecurityRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    securedRoute(null, {
      method: "get",
      path: "/security/token",
      operationId: "GetSecurityToken",
      tags: ["Security"],
      summary: "The caller's subject, roles and effective permissions",
      responses: { 200: { description: "the caller's token", ...json(TokenInfo) } },
    }),
    (c) => {
      const caller = c.get("caller");
      if (!caller) throw new ApiError(401, "missing bearer token");
      return c.json({
        subject: caller.subject,
        roles: caller.roles,
        permissions: [...caller.permissions].sort(),
      }, 200);
    },
  );

  app.openapi(
    securedRoute("audit:read", {
      method: "get",
      path: "/security",
      operationId: "GetSecurity",
      tags: ["Security"],
      summary: "NATS auth mode, namespaces, accounts, users and expiring credentials",
      description: "Public information only: names and public keys, never seeds, passwords, " +
        "tokens or JWTs. Needs `audit:read` (admin by default).",
      responses: { 200: { description: "the security overview", ...json(SecurityResponse) } },
    }),
    async (c) => {
      if (!deps.security) throw new ApiError(503, "security overview unavailable");
      return c.json(await deps.security.info(deps.signingKey), 200);
    },
  );
}
