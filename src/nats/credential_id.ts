/**
 * Credential ids: one subject token naming a NATS credential inside its namespace. A
 * credential's private subjects hang under it: its inbox `_INBOX.<ns>.<id>.>` (see
 * `SubjectRouter.inboxPrefixFor`), so that permissions can give each user its own replies and
 * no one else's. The server side (rendered users, issued JWTs) and the client side (the
 * connection factory) derive the id from the same credential with {@link credentialId}.
 *
 * Ids of different kinds cannot collide: user names give `u_<name>` (or `uh_<digest>` when the
 * name is not a safe subject token), nkeys their public key (`U` and 55 base32 letters), API
 * tokens `t_<digest of the subject>`, and credentials shared by every client (a server token,
 * no auth) `shared`.
 */
import { createHash } from "node:crypto";

/** What names a credential. */
export type CredentialRef =
  /** user_pass (config-file users, callout users) */
  | { type: "user"; username: string }
  /** an nkey user, a JWT user (operator mode: the user's public key) */
  | { type: "nkey"; publicKey: string }
  /** an API token presented to the auth callout (its `sub`) */
  | { type: "token"; subject: string }
  /** one credential every client shares: a server token, or no authentication */
  | { type: "shared" };

/** A name usable as one subject token as it is. */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A short hex digest: names that are not safe subject tokens. */
function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

/** The credential id of `ref` (a subject token; see the module documentation). */
export function credentialId(ref: CredentialRef): string {
  switch (ref.type) {
    case "user":
      return SAFE_NAME.test(ref.username) ? `u_${ref.username}` : `uh_${digest(ref.username)}`;
    case "nkey":
      return ref.publicKey;
    case "token":
      return `t_${digest(ref.subject)}`;
    case "shared":
      return "shared";
  }
}
