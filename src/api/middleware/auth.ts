/**
 * Bearer-token authentication and permission checks. {@link authenticate} verifies the token of
 * every request outside the public paths and sets the caller; {@link requirePermission} is the
 * per-route check (401 without a caller, 403 without the permission).
 */
import type { MiddlewareHandler } from "hono";
import { effectivePermissions } from "../../api_auth/rbac.ts";
import type { Permission, RoleTable } from "../../core/permissions.ts";
import {
  type TokenClaims,
  TokenError,
  type TokenPolicy,
  verifyToken,
} from "../../api_auth/tokens.ts";
import type { Logger } from "../../log.ts";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../problem.ts";

/** Paths answered without a token. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  "/health",
  "/health/ready",
  "/api/health",
  "/api/health/ready",
  "/version",
  "/api/version",
]);
/** The documentation paths, public unless `api.server.docs.require_token`. */
export const DOCS_PATHS: readonly string[] = ["/openapi.json", "/docs"];

/** Options of {@link authenticate}. */
export interface AuthOptions {
  signingKey: string;
  roles: RoleTable;
  log: Logger;
  /** Lifetime and clock-skew limits (default: the built-in ones). */
  policy?: TokenPolicy;
  /** Paths answered without a token (default {@link PUBLIC_PATHS}). */
  publicPaths?: ReadonlySet<string>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Most verified tokens kept (a full cache is cleared, not grown). */
const VERIFIED_CACHE_SIZE = 1024;

/**
 * Tokens that verified with this key, so that a client calling again does not pay for the
 * signature check each time; the expiry is still checked on every use.
 */
export class VerifiedTokens {
  readonly #map = new Map<string, TokenClaims>();

  /** The claims of a token verified before and not expired at `nowMs`. */
  get(token: string, nowMs: number): TokenClaims | undefined {
    const claims = this.#map.get(token);
    if (claims && claims.exp * 1000 <= nowMs) {
      this.#map.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers a verified token. */
  set(token: string, claims: TokenClaims): void {
    if (this.#map.size >= VERIFIED_CACHE_SIZE) this.#map.clear();
    this.#map.set(token, claims);
  }
}

/** Verifies the bearer token (except on public paths and CORS preflights). */
export function authenticate(opts: AuthOptions): MiddlewareHandler<ApiEnv> {
  const verified = new VerifiedTokens();
  const open = opts.publicPaths ?? PUBLIC_PATHS;
  return async (c, next) => {
    if (open.has(c.req.path) || c.req.method === "OPTIONS") return await next();
    const header = c.req.header("authorization");
    if (!header) throw new ApiError(401, "missing bearer token (Authorization: Bearer <token>)");
    const m = BEARER.exec(header);
    if (!m) throw new ApiError(401, "malformed Authorization header: expected Bearer <token>");
    let claims = verified.get(m[1], Date.now());
    if (!claims) {
      try {
        claims = await verifyToken(opts.signingKey, m[1], opts.policy);
        verified.set(m[1], claims);
      } catch (e) {
        if (!(e instanceof TokenError)) throw e;
        opts.log.warn("rejected bearer token", {
          reason: e.message,
          method: c.req.method,
          path: c.req.path,
        });
        throw new ApiError(401, `invalid bearer token: ${e.message}`);
      }
    }
    c.set("caller", {
      subject: claims.sub,
      roles: claims.roles,
      permissions: effectivePermissions(claims, opts.roles),
    });
    await next();
  };
}

/** Rejects callers lacking `permission` (401 when unauthenticated). */
export function requirePermission(permission: Permission): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const caller = c.get("caller");
    if (!caller) throw new ApiError(401, "missing bearer token");
    if (!caller.permissions.has(permission)) {
      throw new ApiError(403, `permission ${permission} required`);
    }
    await next();
  };
}

/** Rejects requests without an authenticated caller (any permission suffices). */
export const requireCaller: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!c.get("caller")) throw new ApiError(401, "missing bearer token");
  await next();
};
