/**
 * Pushing account JWTs to running servers with a full resolver: a request on
 * `$SYS.REQ.CLAIMS.UPDATE` from a system account user. The server stores the JWT and applies it
 * at once (new accounts become usable, revocations disconnect revoked users) without a restart.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { connectNats } from "../nats/connect.ts";
import { SYSTEM_SUBJECTS } from "../nats/subjects.ts";
import type { Logger } from "../log.ts";
import { type OperatorStore, type StoredAccount, SYSTEM_ACCOUNT } from "./operator_store.ts";
import { errorMessage, OsapiError } from "../core/errors.ts";
import { isNoResponders } from "../nats/errors.ts";

/** A push the server refused or nobody answered. */
export class AccountPushError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats_auth.account_push", message, options);
  }
}

/** A server's answer to a push. */
export interface PushResult {
  account: string;
  code: number;
  message: string;
  server?: string;
}

interface ClaimsUpdateResponse {
  server?: { name?: string };
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

/** Pushes one account JWT over `nc` (a system account connection); throws when refused. */
export async function pushAccountJwt(
  nc: NatsConnection,
  jwt: string,
  timeoutMs = 5_000,
): Promise<PushResult> {
  let reply;
  try {
    reply = await nc.request(SYSTEM_SUBJECTS.claimsUpdate, jwt, { timeout: timeoutMs });
  } catch (e) {
    throw new AccountPushError(
      isNoResponders(e)
        ? "no server answered the account push: the server needs operator mode with a full " +
          "resolver, and the connection a system account user"
        : `account push failed: ${errorMessage(e)}`,
      { cause: e },
    );
  }
  let body: ClaimsUpdateResponse;
  try {
    body = reply.json<ClaimsUpdateResponse>();
  } catch (e) {
    throw new AccountPushError("account push: the server's answer is not JSON", { cause: e });
  }
  const server = body.server?.name;
  if (body.error) {
    throw new AccountPushError(
      `server ${server ?? "?"} refused account ${body.error.account ?? "?"}: ${
        body.error.description ?? `code ${body.error.code}`
      }`,
    );
  }
  return {
    account: body.data?.account ?? "",
    code: body.data?.code ?? 0,
    message: body.data?.message ?? "",
    server,
  };
}

/** Where to push from: server URLs and the system user's creds (defaults from the store). */
export interface PushTarget {
  /** Server URLs (default: nats.server host and port). */
  urls?: string[];
  /** System account user creds (default: `<store>/accounts/SYS/users/sys.creds`). */
  credsFile?: string;
}

/** The client configuration of a system account user connecting to push accounts. */
export function systemUserClient(
  config: Config,
  store: OperatorStore,
  target: PushTarget = {},
): NatsClientConfig {
  const base = structuredClone(config.api.server.nats);
  const s = config.nats.server;
  const host = s.host === "0.0.0.0" || s.host === "::" ? "127.0.0.1" : s.host;
  return {
    ...base,
    host,
    port: s.port,
    urls: target.urls ?? [],
    namespace: "",
    client_name: "osapi-account-push",
    auth: {
      ...base.auth,
      type: "creds",
      creds_file: target.credsFile ?? store.credsFile(SYSTEM_ACCOUNT, "sys"),
    },
  };
}

/** Connects as the system user and pushes the named stored accounts (all when none named). */
export async function pushStoredAccounts(
  config: Config,
  store: OperatorStore,
  names: string[],
  log: Logger,
  target: PushTarget = {},
): Promise<{ account: StoredAccount; result: PushResult }[]> {
  const accounts = names.length > 0
    ? await Promise.all(names.map((n) => store.account(n)))
    : await store.accounts();
  const nc = await connectNats(systemUserClient(config, store, target), log, {
    maxReconnectAttempts: 0,
  });
  try {
    const out = [];
    for (const account of accounts) {
      const result = await pushAccountJwt(nc, account.jwt);
      log.info("account pushed", { account: account.name, server: result.server });
      out.push({ account, result });
    }
    return out;
  } finally {
    await nc.close();
  }
}
