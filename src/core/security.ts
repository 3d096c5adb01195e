/** What the security overview shows (`GET /security`): names and public keys, never secrets. */

/** A NATS account. */
export interface AccountInfo {
  name: string;
  public_key?: string;
  /** What the account is for: system, namespace, callout, view. */
  kind: string;
}

/** A NATS user: a name and/or a public key, never a secret. */
export interface UserInfo {
  name?: string;
  public_key?: string;
  account?: string;
  role?: string;
  namespace?: string;
  hostname?: string;
  /** Where the user is defined: user_pass, nkey, callout, operator. */
  source: string;
}

/** A credential with a lifetime. */
export interface CredentialInfo {
  /** What it is, e.g. `admin API token`, `NATS user creds`. */
  kind: string;
  name: string;
  public_key?: string;
  account?: string;
  /** ISO 8601 expiry, or null for none. */
  expires: string | null;
  expired: boolean;
}

/** The answer of `GET /security`. */
export interface SecurityInfo {
  nats: {
    auth_mode: string;
    isolation: string;
    namespaces: string[];
    accounts: AccountInfo[];
    users: UserInfo[];
    callout?: { account: string; target_account: string; user_ttl: string };
  };
  credentials: CredentialInfo[];
}
