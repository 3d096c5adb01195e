/**
 * Account sharing rules of nats-server users, checked by the server's renderer and by the auth
 * callout's account configuration. A leaf: imports nothing of osapi.
 */

/** A user as far as sharing an account goes: its config key, effective namespace and role. */
export interface NamespacedUser {
  /** The key that sets its namespace, e.g. `nats.server.auth.users[0].namespace`. */
  key: string;
  namespace: string;
  /** Its NATS role; `admin` users are not counted. */
  role: string;
}

/**
 * The problem with users of the empty namespace next to other namespaces' users in one account
 * (the key of the first such user and the message), or undefined. The empty namespace is OSAPI's unprefixed compatibility mode: its users
 * subscribe to `_INBOX.>`, which covers every other namespace's inboxes, so it is not isolated
 * from them. Admin users see everything anyway and are not counted.
 */
export function emptyNamespaceMix(
  users: NamespacedUser[],
): { path: string; message: string } | undefined {
  const scoped = users.filter((u) => u.role !== "admin");
  const bare = scoped.find((u) => u.namespace === "");
  const other = scoped.find((u) => u.namespace !== "");
  if (!bare || !other) return undefined;
  const message =
    `${bare.key}: the empty namespace (from nats.server.namespace: OSAPI's unprefixed ` +
    `compatibility mode) cannot share an account with namespace ${
      JSON.stringify(other.namespace)
    } (${other.key}): its users subscribe to _INBOX.> and would receive that namespace's ` +
    "replies; give every user a namespace, or set nats.server.auth.isolation: account";
  return { path: bare.key, message };
}
