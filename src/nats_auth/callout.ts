/**
 * The auth callout engine: answers nats-server's `$SYS.REQ.USER.AUTH` requests. Each request is
 * (optionally) decrypted with the service's curve key (`Nats-Server-Xkey` header), its JWT
 * verified (signed by the server named in it, `aud` = `nats-authorization-request`, a user nkey
 * to authorize), handed to an {@link Authorizer}, and answered with an authorization response
 * JWT signed by the issuer account key carrying either a user JWT (whose `aud` is the account
 * the user is placed in) or an error; encrypted back when the request was.
 *
 * Requests that are not genuine server requests are dropped unanswered and counted as invalid.
 * {@link startCallout} returns a handle with counters so the throughput can be benchmarked.
 */
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { type AuthorizationRequest, encodeAuthorizationResponse } from "@nats-io/jwt";
import type { Logger } from "../log.ts";
import { SYSTEM_SUBJECTS } from "../nats/subjects.ts";
import { encodeUserJwt, type Permissions, verifyJwt } from "./nats_jwt.ts";
import { nativeSigner } from "./ed25519.ts";
import { checkPublicKey, type KeyPair } from "./nats_keys.ts";
import { OsapiError } from "../core/errors.ts";

export type { AuthorizationRequest };

/** The `aud` of every authorization request nats-server sends. */
export const AUTH_REQUEST_AUDIENCE = "nats-authorization-request";
/** The header carrying the server's curve public key on encrypted requests. */
export const SERVER_XKEY_HEADER = "Nats-Server-Xkey";

/** A verified authorization request, as an authorizer sees it. */
export interface CalloutRequest {
  /** The user nkey the server generated for this connection (the issued JWT's subject). */
  userNkey: string;
  /** The requesting server's public key (`N...`) and name. */
  serverId: string;
  serverName: string;
  /** What the client presented. */
  connect: AuthorizationRequest["connect_opts"];
  client: AuthorizationRequest["client_info"];
  /** True when the request arrived encrypted. */
  encrypted: boolean;
}

/** An authorizer's verdict. */
export type Decision =
  | {
    allow: true;
    /** User name written into the JWT (shown in monitoring). */
    name: string;
    /** Account the user is placed in (the user JWT's `aud`). */
    account: string;
    permissions: Permissions;
    /** Unix seconds after which the server disconnects the user. */
    expires?: number;
    tags?: string[];
  }
  | {
    allow: false;
    /** Sent back to the server (and logged); never include a secret. */
    reason: string;
  };

/** Decides whether a connection may log in and as whom. */
export type Authorizer = (req: CalloutRequest) => Promise<Decision>;

/** Options of {@link startCallout}. */
export interface CalloutOptions {
  /** A connection of a user listed in `auth_users` of the callout account. */
  nc: NatsConnection;
  /** The account key named as `issuer` in the server's `auth_callout` block. */
  issuer: KeyPair;
  /** The curve key whose public key is the server's `xkey` (encryption on). */
  xkey?: KeyPair;
  authorize: Authorizer;
  log: Logger;
  /** Only answer these servers (public keys or names); empty: any genuine server. */
  servers?: string[];
  /** Queue group (default `osapi-auth-callout`) so several instances share the load. */
  queue?: string;
}

/** Counters of a running callout service. */
export interface CalloutStats {
  /** Messages received on the auth subject. */
  requests: number;
  allowed: number;
  denied: number;
  /** Requests dropped as not genuine or not for this service (bad JWT, key, server). */
  invalid: number;
  /** Unexpected failures while answering. */
  errors: number;
}

/** A running callout service. */
export interface CalloutHandle {
  readonly stats: Readonly<CalloutStats>;
  readonly issuerPublicKey: string;
  readonly xkeyPublicKey?: string;
  /** Resolves once every request received so far has been answered. */
  settled(): Promise<void>;
  /** Stops answering (drains the subscription); the connection stays open. */
  stop(): Promise<void>;
}

/** A request that is not a genuine server request for this service. */
export class CalloutRequestError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats_auth.callout_request", message, options);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Opens (decrypts when needed) and verifies one raw request message. Throws
 * {@link CalloutRequestError} for anything that is not a genuine request for this service.
 */
export function openRequest(
  data: Uint8Array,
  serverXkey: string | undefined,
  opts: { xkey?: KeyPair; servers?: string[] },
): { request: CalloutRequest; serverXkey?: string } {
  let payload = data;
  if (opts.xkey) {
    if (!serverXkey) {
      throw new CalloutRequestError(
        "request is not encrypted but this service has an xkey: the server's auth_callout has " +
          "no matching xkey",
      );
    }
    checkPublicKey(serverXkey, "curve", "server xkey");
    let opened: Uint8Array | null = null;
    try {
      opened = opts.xkey.open(data, serverXkey);
    } catch {
      opened = null;
    }
    if (!opened) {
      throw new CalloutRequestError(
        "cannot decrypt the request: it was sealed for another xkey",
      );
    }
    payload = opened;
  } else if (serverXkey) {
    throw new CalloutRequestError(
      "request is encrypted but this service has no xkey (set callout.xkey_seed_file)",
    );
  }
  let claims;
  try {
    claims = verifyJwt<AuthorizationRequest>(decoder.decode(payload), {
      type: "authorization_request",
      audience: AUTH_REQUEST_AUDIENCE,
    });
  } catch (e) {
    throw new CalloutRequestError(`bad authorization request: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const req = claims.nats;
  const server = req.server_id;
  if (!server || server.id !== claims.iss) {
    throw new CalloutRequestError("request not signed by the server it names");
  }
  if (serverXkey && server.xkey && server.xkey !== serverXkey) {
    throw new CalloutRequestError("request xkey header does not match the server's xkey");
  }
  if (
    opts.servers?.length && !opts.servers.includes(server.id) && !opts.servers.includes(server.name)
  ) {
    throw new CalloutRequestError(
      `request from server ${server.name}, which this service does not serve`,
    );
  }
  let userNkey: string;
  try {
    userNkey = checkPublicKey(req.user_nkey ?? "", "user", "user nkey");
  } catch {
    throw new CalloutRequestError("request carries no valid user nkey");
  }
  return {
    serverXkey,
    request: {
      userNkey,
      serverId: server.id,
      serverName: server.name,
      connect: req.connect_opts ?? { protocol: 1 },
      client: req.client_info ?? {},
      encrypted: serverXkey !== undefined,
    },
  };
}

/** Builds the signed response for a decision (user JWT or error). */
export async function buildResponse(
  request: CalloutRequest,
  decision: Decision,
  issuer: KeyPair,
): Promise<string> {
  if (!decision.allow) {
    return await encodeAuthorizationResponse(
      request.userNkey,
      request.serverId,
      issuer,
      { error: decision.reason },
      {},
    );
  }
  const jwt = await encodeUserJwt(
    request.userNkey,
    {
      name: decision.name,
      permissions: decision.permissions,
      expires: decision.expires,
      audience: decision.account,
      tags: decision.tags,
    },
    issuer.getPublicKey(),
    issuer,
  );
  return await encodeAuthorizationResponse(request.userNkey, request.serverId, issuer, { jwt }, {});
}

/**
 * Subscribes to `$SYS.REQ.USER.AUTH` and answers every request; see the module docs. Resolves
 * once the server has the subscription (connections made afterwards are answered).
 */
export async function startCallout(opts: CalloutOptions): Promise<CalloutHandle> {
  const issuer = nativeSigner(opts.issuer); // two signatures per connection: keep them fast
  const stats: CalloutStats = { requests: 0, allowed: 0, denied: 0, invalid: 0, errors: 0 };
  const log = opts.log;
  const inflight = new Set<Promise<void>>();

  const handle = async (msg: Msg): Promise<void> => {
    stats.requests++;
    let opened;
    try {
      opened = openRequest(msg.data, msg.headers?.get(SERVER_XKEY_HEADER) || undefined, opts);
    } catch (e) {
      stats.invalid++;
      log.warn("auth callout request dropped", { reason: (e as Error).message });
      return;
    }
    const { request, serverXkey } = opened;
    try {
      let decision: Decision;
      try {
        decision = await opts.authorize(request);
      } catch (e) {
        log.error("authorizer failed", { error: (e as Error).message });
        decision = { allow: false, reason: "authorization service error" };
      }
      const fields = {
        client: request.client.host,
        name: request.connect.name,
        user: request.connect.user,
        server: request.serverName,
      };
      if (decision.allow) {
        stats.allowed++;
        log.info("auth callout: allowed", {
          ...fields,
          as: decision.name,
          account: decision.account,
        });
      } else {
        stats.denied++;
        log.warn("auth callout: denied", { ...fields, reason: decision.reason });
      }
      const response = encoder.encode(await buildResponse(request, decision, issuer));
      msg.respond(serverXkey && opts.xkey ? opts.xkey.seal(response, serverXkey) : response);
    } catch (e) {
      stats.errors++;
      log.error("auth callout: cannot answer", { error: (e as Error).message });
    }
  };

  const sub: Subscription = opts.nc.subscribe(SYSTEM_SUBJECTS.userAuth, {
    queue: opts.queue ?? SYSTEM_SUBJECTS.calloutQueue,
    callback: (err, msg) => {
      if (err) {
        log.error("auth callout subscription failed", { error: err.message });
        return;
      }
      const p = handle(msg).finally(() => inflight.delete(p));
      inflight.add(p);
    },
  });
  await opts.nc.flush();
  log.info("auth callout service listening", {
    subject: SYSTEM_SUBJECTS.userAuth,
    issuer: opts.issuer.getPublicKey(),
    encrypted: opts.xkey !== undefined,
  });
  return {
    stats,
    issuerPublicKey: opts.issuer.getPublicKey(),
    xkeyPublicKey: opts.xkey?.getPublicKey(),
    settled: async () => {
      await Promise.all([...inflight]);
    },
    stop: async () => {
      if (!sub.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
      await Promise.all([...inflight]);
    },
  };
}
