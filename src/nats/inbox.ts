/**
 * The inbox prefix of a connection. Every credential has its own (`_INBOX.<ns>.<id>`, set by
 * `connectNats` from `credentialId`), and its permissions allow subscribing to no other: code
 * that builds reply subjects takes the prefix from the connection, never from the router.
 */
import { createInbox, type NatsConnection } from "@nats-io/transport-node";

/** The inbox prefix `nc` was connected with (nats.js `inboxPrefix`; `_INBOX` by default). */
export function inboxPrefixOf(nc: NatsConnection): string {
  const opts = (nc as unknown as { options?: { inboxPrefix?: string } }).options;
  return opts?.inboxPrefix ?? "_INBOX";
}

/** A fresh reply subject under the connection's own inbox prefix. */
export function inboxOf(nc: NatsConnection): string {
  return createInbox(inboxPrefixOf(nc));
}
