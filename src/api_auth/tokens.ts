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
 * Verifies a token (signature, algorithm HS256, issuer, expiry) and checks its claim types.
 * Throws {@link TokenError} with a reason fit for a 401 detail.
 */
export async function verifyToken(signingKey: string, token: string): Promise<TokenClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keyBytes(signingKey), {
      algorithms: ["HS256"],
      issuer: TOKEN_ISSUER,
      requiredClaims: ["sub", "exp", "iat"],
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
  return {
    sub,
    roles: (roles as string[] | undefined) ?? [],
    ...(permissions !== undefined ? { permissions: permissions as string[] } : {}),
    iat: iat as number,
    exp: exp as number,
    iss: iss as string,
  };
}
