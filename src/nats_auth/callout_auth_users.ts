/**
 * Component users that do not depend on the callout: configured callout users whose role is
 * in `nats.server.auth.callout.auth_user_roles` (default admin, api, worker, component) are
 * rendered as nats-server users (bcrypt hash, role permissions) in their account and listed in
 * `auth_users`, so nats-server authenticates them itself. A callout outage or a login flood
 * then cannot strand the API or the workers, and their connections never expire (no
 * `user_ttl`). Other users (e.g. `view`) and API tokens still go through the callout.
 */
import type { Config } from "../config/schema.ts";
import { NATS_ROLES } from "../config/schema.ts";
import { ConfWriter } from "../nats_conf/conf_text.ts";
import { userPermissions, writePermissions } from "../server/render.ts";
import { credentialId } from "../nats/credential_id.ts";

/** A rendered server user of callout mode. */
export interface CalloutAuthUser {
  /** The account it is placed in. */
  account: string;
  /** The user name (its `auth_users` entry). */
  username: string;
  /** The user map text, e.g. `{ user: "api", password: "$2a$...", permissions { ... } }`. */
  text: string;
}

/** Checks `auth_user_roles`: each a NATS role; issues name the key and value. */
export function checkAuthUserRoles(config: Config): { path: string; message: string }[] {
  const key = "nats.server.auth.callout.auth_user_roles";
  return config.nats.server.auth.callout.auth_user_roles.flatMap((r, i) =>
    (NATS_ROLES as readonly string[]).includes(r) ? [] : [{
      path: `${key}[${i}]`,
      message: `${key}[${i}]: invalid value ${JSON.stringify(r)}; expected one of ${
        NATS_ROLES.join(", ")
      }`,
    }]
  );
}

/** The configured callout users rendered as server users (see the module comment). */
export function calloutAuthUsers(config: Config): CalloutAuthUser[] {
  const c = config.nats.server.auth.callout;
  const roles = new Set<string>(c.auth_user_roles);
  return c.users.filter((u) => roles.has(u.role)).map((u) => {
    const w = new ConfWriter();
    w.block(null, () => {
      w.comment(`role ${u.role}: authenticated by nats-server, not by the callout`);
      w.value("user", u.username);
      w.value("password", u.password);
      writePermissions(
        w,
        userPermissions(
          config,
          u.role,
          u.namespace,
          u.hostname,
          credentialId({ type: "user", username: u.username }),
        ),
      );
    });
    return {
      account: u.account || c.target_account,
      username: u.username,
      text: w.text().trimEnd(),
    };
  });
}
