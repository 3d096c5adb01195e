/**
 * The authentication part of nats-server.conf that other modules own: operator mode (the
 * operator store's JWTs and resolver) and auth callout mode (accounts, issuer, auth users with
 * the supervisor's admin nkey). The renderer includes the text as it is.
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { operatorConfigFragment } from "./operator_init.ts";
import { calloutConfigFragment, ensureCalloutKeys } from "./callout_service.ts";
import { type AdminIdentity, adminPublicKey } from "../server/admin_identity.ts";

/** The auth fragment for `operator` and `callout` auth; undefined for the other types. */
export async function authFragment(
  config: Config,
  identity: AdminIdentity,
  log?: Logger,
): Promise<string | undefined> {
  switch (config.nats.server.auth.type) {
    case "operator":
      return await operatorConfigFragment(config);
    case "callout":
      return await calloutConfigFragment(config, {
        adminPublicKey: adminPublicKey(identity),
        keys: await ensureCalloutKeys(config, log),
      });
    default:
      return undefined;
  }
}

/**
 * The supervisor's `authFragment` option: builds the fragment from the identity the supervisor
 * loads (the server knows nothing of the NATS auth modules).
 */
export function authFragmentSource(
  config: Config,
  log?: Logger,
): (identity: AdminIdentity) => Promise<string | undefined> {
  return (identity) => authFragment(config, identity, log);
}
