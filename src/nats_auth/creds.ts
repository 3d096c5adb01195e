/**
 * NATS credentials files: a user JWT and the user's NKey seed in the standard decorated format
 * that nsc writes and every NATS client (the `nats` CLI, nats.js `credsAuthenticator`, nats.go
 * `UserCredentials`) reads. Written 0600.
 */
import { writeSecretFile } from "../config/paths.ts";
import { describeFsError } from "../nats/auth_options.ts";
import { type KeyPair, NatsKeyError, pairFromSeed } from "./nats_keys.ts";

/** The two parts of a creds file. */
export interface Creds {
  jwt: string;
  seed: string;
}

/** Formats a creds file exactly as nsc (Go jwt `FormatUserConfig`) does. */
export function formatCreds(jwt: string, seed: string): string {
  return `-----BEGIN NATS USER JWT-----
${jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${seed}
------END USER NKEY SEED------

*************************************************************
`;
}

const BLOCK =
  /-{3,}BEGIN NATS USER JWT-{3,}\s*\n\s*(\S+)\s*\n[\s\S]*?-{3,}BEGIN USER NKEY SEED-{3,}\s*\n\s*(\S+)\s*\n/;

/** Parses creds file text; `what` names it in errors (the content is never shown). */
export function parseCreds(text: string, what = "credentials"): Creds {
  const m = text.match(BLOCK);
  if (!m || m[1].split(".").length !== 3) {
    throw new NatsKeyError(`${what}: no user JWT and user NKey seed blocks found`);
  }
  pairFromSeed(m[2], "user", `${what}: user seed`);
  return { jwt: m[1], seed: m[2] };
}

/** The user key pair of parsed creds. */
export function credsKeyPair(creds: Creds): KeyPair {
  return pairFromSeed(creds.seed, "user", "credentials seed");
}

/** Writes a creds file with mode 0600 (atomically). */
export async function writeCredsFile(path: string, jwt: string, seed: string): Promise<void> {
  await writeSecretFile(path, formatCreds(jwt, seed));
}

/** Reads and parses a creds file. */
export async function readCredsFile(path: string): Promise<Creds> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new NatsKeyError(`credentials file ${path}: ${describeFsError(e)}`, { cause: e });
  }
  return parseCreds(text, `credentials file ${path}`);
}
