/**
 * API bearer tokens: HS256 JWTs signed with `api.server.security.signing_key`, issuer `osapi`,
 * claims `sub`, `roles`, optional `permissions`, `iat`, `exp`.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { OsapiError } from "../core/errors.ts";

/** The issuer of every osapi API token. */
export const TOKEN_ISSUER = "osapi";
/** Default token lifetime: 24 hours. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** Default longest accepted token lifetime (`exp - iat`): 365 days. */
export const DEFAULT_MAX_TOKEN_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;
/** Default clock skew tolerated for a token's `iat` in the future: 60 seconds. */
export const DEFAULT_TOKEN_CLOCK_SKEW_MS = 60 * 1000;

/**
 * What a token must satisfy besides its signature: a lifetime (`exp - iat`) of at most
 * `maxLifetimeMs`, and an `iat` no later than now + `clockSkewMs`.
 */
export interface TokenPolicy {
  maxLifetimeMs: number;
  clockSkewMs: number;
}

/** The built-in policy (used when no configuration is at hand). */
export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  maxLifetimeMs: DEFAULT_MAX_TOKEN_LIFETIME_MS,
  clockSkewMs: DEFAULT_TOKEN_CLOCK_SKEW_MS,
};

/** The policy of `api.server.security.max_token_lifetime` and `token_clock_skew`. */
export function tokenPolicy(
  config: {
    api: { server: { security: { max_token_lifetime: number; token_clock_skew: number } } };
  },
): TokenPolicy {
  const s = config.api.server.security;
  return { maxLifetimeMs: s.max_token_lifetime, clockSkewMs: s.token_clock_skew };
}

/** The claims of a verified token. */
export interface TokenClaims {
  sub: string;
  roles: string[];
  /** When present, overrides the roles' permissions. */
  permissions?: string[];
  iat: number;
  exp: number;
  iss: string;
}

/** What to put in a new token. */
export interface TokenSpec {
  subject: string;
  roles: string[];
  permissions?: string[];
  /** Lifetime in milliseconds (default 24 h). */
  expiresInMs?: number;
  /** Issue time (default now); tests use it to mint expired tokens. */
  now?: Date;
  /** Longest lifetime allowed (default {@link DEFAULT_MAX_TOKEN_LIFETIME_MS}). */
  maxLifetimeMs?: number;
}

/** A token that cannot be accepted; the message never contains the token. */
export class TokenError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("auth.token_invalid", message, options);
  }
}

function keyBytes(signingKey: string): Uint8Array {
  if (signingKey === "") throw new TokenError("no signing key configured");
  return new TextEncoder().encode(signingKey);
}

/** Signs a token for `spec` with the HS256 `signingKey`. */
export async function signToken(signingKey: string, spec: TokenSpec): Promise<string> {
  if (spec.subject.trim() === "") throw new TokenError("a token needs a subject");
  const iat = Math.floor((spec.now ?? new Date()).getTime() / 1000);
  const ttl = Math.floor((spec.expiresInMs ?? DEFAULT_TOKEN_TTL_MS) / 1000);
  if (ttl <= 0) throw new TokenError("token lifetime must be positive");
  const max = spec.maxLifetimeMs ?? DEFAULT_MAX_TOKEN_LIFETIME_MS;
  if (ttl * 1000 > max) {
    throw new TokenError(
      `token lifetime ${ttl}s exceeds the maximum ${Math.floor(max / 1000)}s ` +
        "(api.server.security.max_token_lifetime)",
    );
  }
  const payload: Record<string, unknown> = { roles: spec.roles };
  if (spec.permissions !== undefined) payload.permissions = spec.permissions;
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(spec.subject)
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(keyBytes(signingKey));
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Verifies a token (signature, algorithm HS256, issuer, expiry), checks its claim types, and
 * refuses an `iat` in the future (beyond the policy's skew) and a lifetime over the policy's
 * maximum. Throws {@link TokenError} with a reason fit for a 401 detail (never the token).
 */
export async function verifyToken(
  signingKey: string,
  token: string,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  nowMs: number = Date.now(),
): Promise<TokenClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keyBytes(signingKey), {
      algorithms: ["HS256"],
      issuer: TOKEN_ISSUER,
      requiredClaims: ["sub", "exp", "iat"],
      currentDate: new Date(nowMs),
    }));
  } catch (e) {
    if (e instanceof TokenError) throw e;
    if (e instanceof errors.JWTExpired) throw new TokenError("token expired", { cause: e });
    if (e instanceof errors.JWSSignatureVerificationFailed) {
      throw new TokenError("token signature is invalid", { cause: e });
    }
    if (e instanceof errors.JWTClaimValidationFailed) {
      throw new TokenError(`token claim ${e.claim} is invalid`, { cause: e });
    }
    if (e instanceof errors.JOSEAlgNotAllowed) {
      throw new TokenError("token algorithm is not allowed (HS256 required)", { cause: e });
    }
    throw new TokenError("token is malformed", { cause: e });
  }
  const { sub, roles, permissions, iat, exp, iss } = payload as Record<string, unknown>;
  if (typeof sub !== "string" || sub === "") throw new TokenError("token has no subject");
  if (roles !== undefined && !isStringArray(roles)) {
    throw new TokenError("token claim roles must be a list of strings");
  }
  if (permissions !== undefined && !isStringArray(permissions)) {
    throw new TokenError("token claim permissions must be a list of strings");
  }
  if (typeof iat !== "number" || !Number.isFinite(iat)) {
    throw new TokenError("token claim iat is invalid");
  }
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw new TokenError("token claim exp is invalid");
  }
  if (iat * 1000 > nowMs + policy.clockSkewMs) {
    throw new TokenError("token claim iat is in the future");
  }
  if ((exp - iat) * 1000 > policy.maxLifetimeMs) {
    throw new TokenError(
      `token lifetime exceeds the maximum ${Math.floor(policy.maxLifetimeMs / 1000)}s`,
    );
  }
  return {
    sub,
    roles: (roles as string[] | undefined) ?? [],
    ...(permissions !== undefined ? { permissions: permissions as string[] } : {}),
    iat: iat as number,
    exp: exp as number,
    iss: iss as string,
  };
}
