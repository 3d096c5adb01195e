/**
 * The auth options builder: turns a component's `nats` configuration into the authentication
 * and TLS part of nats.js connection options. Files are read and checked here; errors name the
 * file and the problem, never the content.
 */
import {
  type ConnectionOptions,
  credsAuthenticator,
  nkeyAuthenticator,
} from "@nats-io/transport-node";
import { fromSeed } from "@nats-io/nkeys";
import { X509Certificate } from "node:crypto";
import type { NatsClientConfig } from "../config/schema.ts";
import { OsapiError } from "../core/errors.ts";
import { credentialId, type CredentialRef } from "./credential_id.ts";

/** Credentials or certificate files that cannot be used. */
export class NatsAuthError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats.auth_options", message, options);
  }
}

/** The part of the connection options this builder owns, plus warnings to log. */
export interface AuthOptions {
  options: Partial<ConnectionOptions>;
  warnings: string[];
  /** The id of the credential presented (see credential_id.ts): names its inbox. */
  credentialId: string;
}

/** Reads a credentials or certificate file; `what` names it in errors. */
export async function readSecretFile(
  path: string,
  what: string,
  warnings: string[],
  checkMode = true,
): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    throw new NatsAuthError(`${what} ${path}: ${describeFsError(e)}`, { cause: e });
  }
  if (!info.isFile) throw new NatsAuthError(`${what} ${path}: not a regular file`);
  if (checkMode && info.mode !== null && (info.mode & 0o077) !== 0) {
    warnings.push(
      `${what} ${path} is readable by group or others (mode ${
        (info.mode & 0o777).toString(8)
      }); run chmod 600 ${path}`,
    );
  }
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new NatsAuthError(`${what} ${path}: ${describeFsError(e)}`, { cause: e });
  }
}

/** A short, content-free description of a file system error. */
export function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "file not found";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  return e instanceof Error ? e.name : "cannot be read";
}

const SEED = /^S[UOA][A-Z2-7]{56}$/;

/** Extracts and checks the user seed of an NKey seed file. */
export function parseSeedFile(text: string, path: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) =>
    l !== "" && !l.startsWith("#")
  );
  const seed = lines.find((l) => SEED.test(l));
  if (!seed) {
    throw new NatsAuthError(
      `nkey seed file ${path}: no NKey seed found (expected a line of 58 characters starting with SU)`,
    );
  }
  if (!seed.startsWith("SU")) {
    throw new NatsAuthError(`nkey seed file ${path}: the seed is not a user seed (starts with SU)`);
  }
  return seed;
}

// nsc writes "BEGIN NATS USER JWT" and "BEGIN USER NKEY SEED" (no NATS); accept both spellings.
const CREDS_BLOCK =
  /-{3,}BEGIN (?:NATS )?(USER JWT|USER NKEY SEED)-{3,}\s*\n\s*(\S+)\s*\n\s*-{3,}END /g;

/** Checks that a creds file holds a user JWT and a user seed; returns the user's public key. */
export function checkCredsFile(text: string, path: string): string {
  const found = new Map<string, string>();
  for (const m of text.matchAll(CREDS_BLOCK)) found.set(m[1], m[2]);
  const jwt = found.get("USER JWT");
  const seed = found.get("USER NKEY SEED");
  if (!jwt || jwt.split(".").length !== 3) {
    throw new NatsAuthError(`credentials file ${path}: no user JWT block found`);
  }
  if (!seed || !SEED.test(seed) || !seed.startsWith("SU")) {
    throw new NatsAuthError(`credentials file ${path}: no user NKey seed block found`);
  }
  return userPublicKey(seed);
}

/** The public key of a user seed. */
function userPublicKey(seed: string): string {
  return fromSeed(new TextEncoder().encode(seed)).getPublicKey();
}

/**
 * The `sub` of a token shaped like a JWT (an API token, read unverified: only to name its
 * inbox; the auth callout verifies it), or undefined for any other token.
 */
export function tokenSubject(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "=")));
    return typeof claims?.sub === "string" && claims.sub !== "" ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user name nats-server's `verify_and_map` gives a client certificate: its subject as an
 * RFC 2253 string (`CN=api,O=example`, most specific first), or undefined when unreadable.
 * Users mapped by a SAN (email, DNS name) instead get another name: name mapped users by
 * their certificate subject.
 */
export function certificateUser(pem: string): string | undefined {
  try {
    const rdns = new X509Certificate(pem).subject.split("\n").filter((l) => l !== "");
    return rdns.length === 0 ? undefined : rdns.reverse().join(",");
  } catch {
    return undefined;
  }
}

/** Builds the authentication and TLS connection options for a component. */
export async function buildAuthOptions(nats: NatsClientConfig): Promise<AuthOptions> {
  const warnings: string[] = [];
  const options: Partial<ConnectionOptions> = {};
  const auth = nats.auth;
  let credential: CredentialRef = { type: "shared" };
  switch (auth.type) {
    case "none":
      break;
    case "token": {
      options.token = auth.token;
      const subject = tokenSubject(auth.token);
      if (subject !== undefined) credential = { type: "token", subject };
      break;
    }
    case "user_pass":
      options.user = auth.username;
      options.pass = auth.password;
      credential = { type: "user", username: auth.username };
      break;
    case "nkey": {
      const text = await readSecretFile(auth.nkey_file, "nkey seed file", warnings);
      const seed = parseSeedFile(text, auth.nkey_file);
      options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
      credential = { type: "nkey", publicKey: userPublicKey(seed) };
      break;
    }
    case "creds": {
      const text = await readSecretFile(auth.creds_file, "credentials file", warnings);
      const publicKey = checkCredsFile(text, auth.creds_file);
      options.authenticator = credsAuthenticator(new TextEncoder().encode(text));
      credential = { type: "nkey", publicKey };
      break;
    }
  }
  const tls = nats.tls;
  if (tls.ca_file || tls.cert_file || tls.key_file) {
    const t: Record<string, string> = {};
    if (tls.ca_file) t.ca = await readSecretFile(tls.ca_file, "TLS CA file", warnings, false);
    if (tls.cert_file) {
      t.cert = await readSecretFile(tls.cert_file, "TLS certificate file", warnings, false);
    }
    if (tls.key_file) t.key = await readSecretFile(tls.key_file, "TLS key file", warnings);
    options.tls = t;
    // no credential but a client certificate: the server's `verify_and_map` names the user by
    // the certificate subject, so that name is the credential (its inbox)
    if (auth.type === "none" && t.cert) {
      const username = certificateUser(t.cert);
      if (username !== undefined) credential = { type: "user", username };
    }
  }
  return { options, warnings, credentialId: credentialId(credential) };
}
