/**
 * The operator store: the directory `osapi nats operator init` writes and the `nats account` /
 * `nats user` commands update. Layout (every seed and creds file 0600, directories 0700):
 *
 * ```
 * <dir>/operator.jwt
 * <dir>/keys/operator.nk, <dir>/keys/operator-signing.nk
 * <dir>/accounts/<name>/account.jwt, account.nk, signing.nk
 * <dir>/accounts/<name>/users/<user>.creds
 * ```
 */
import { ensurePrivateDir, pathExists } from "../config/paths.ts";
import {
  operatorAccountDir,
  operatorCredsFile,
  operatorJwtFile,
  operatorKeyFile,
} from "../config/state_layout.ts";
import { readCredsFile, writeCredsFile } from "./creds.ts";
import {
  type AccountEdit,
  type AccountSpec,
  accountSpecFromJwt,
  encodeAccountJwt,
  encodeUserJwt,
  type NatsJwtError,
  type Operator,
  resignAccountJwt,
  revokeUserEdit,
  type UserSpec,
  verifyJwt,
} from "./nats_jwt.ts";
import { generateKey, generateKeyFile, type KeyPair, readSeedFile } from "./nats_keys.ts";
import { OsapiError } from "../core/errors.ts";

/** The name of the system account in stores osapi creates. */
export const SYSTEM_ACCOUNT = "SYS";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A store problem (missing store, unknown account or user, name clash). */
export class OperatorStoreError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats_auth.operator_store", message, options);
  }
}

/** Checks an account or user name (used as a file name). */
export function checkName(name: string, what: string): string {
  if (!NAME.test(name)) {
    throw new OperatorStoreError(
      `invalid ${what} name ${JSON.stringify(name)}: expected 1-64 characters of A-Z a-z 0-9 _ -`,
    );
  }
  return name;
}

/** The operator as read from the store. */
export interface StoredOperator {
  name: string;
  publicKey: string;
  jwt: string;
  signingKeys: string[];
  systemAccount: string;
}

/** An account as read from the store. */
export interface StoredAccount {
  name: string;
  publicKey: string;
  jwt: string;
  spec: AccountSpec;
}

/** A user written to the store. */
export interface StoredUser {
  account: string;
  name: string;
  publicKey: string;
  jwt: string;
  credsFile: string;
}

/** Reads and writes one operator store directory. */
export class OperatorStore {
  constructor(readonly dir: string) {}

  /** `<dir>/operator.jwt`. */
  get operatorJwtFile(): string {
    return operatorJwtFile(this.dir);
  }
  /** `<dir>/keys/<file>`. */
  keyFile(file: "operator.nk" | "operator-signing.nk"): string {
    return operatorKeyFile(this.dir, file);
  }
  /** `<dir>/accounts/<name>`. */
  accountDir(name: string): string {
    return operatorAccountDir(this.dir, checkName(name, "account"));
  }
  /** `<dir>/accounts/<account>/users/<user>.creds`. */
  credsFile(account: string, user: string): string {
    return operatorCredsFile(
      this.dir,
      checkName(account, "account"),
      checkName(user, "user"),
    );
  }

  /** True when the directory holds an operator. */
  async exists(): Promise<boolean> {
    return await pathExists(this.operatorJwtFile);
  }

  /** Reads the operator JWT (signature verified). */
  async operator(): Promise<StoredOperator> {
    let jwt: string;
    try {
      jwt = (await Deno.readTextFile(this.operatorJwtFile)).trim();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new OperatorStoreError(
          `no operator store in ${this.dir}: run \`osapi nats operator init --dir ${this.dir}\``,
          { cause: e },
        );
      }
      throw e;
    }
    const c = verifyJwt<Operator>(jwt, { type: "operator" });
    return {
      name: c.name,
      publicKey: c.sub,
      jwt,
      signingKeys: (c.nats.signing_keys ?? []).map((k) => typeof k === "string" ? k : k.key),
      systemAccount: c.nats.system_account ?? "",
    };
  }

  /**
   * The operator signing key (accounts are signed with it, not with the identity key); an
   * imported nsc store without operator signing keys signs with the identity key.
   */
  async operatorSigner(): Promise<KeyPair> {
    const signing = this.keyFile("operator-signing.nk");
    if (await pathExists(signing)) return await readSeedFile(signing, "operator");
    const identity = this.keyFile("operator.nk");
    if (await pathExists(identity)) {
      const op = verifyJwt<Operator>((await Deno.readTextFile(this.operatorJwtFile)).trim(), {
        type: "operator",
        ignoreTime: true,
      });
      if ((op.nats as { strict_signing_key_usage?: boolean }).strict_signing_key_usage) {
        throw new OperatorStoreError(
          `operator in ${this.dir} requires signing keys (strict_signing_key_usage) and ` +
            `${signing} is missing: put the seed of one of its signing keys there`,
        );
      }
      return await readSeedFile(identity, "operator");
    }
    throw new OperatorStoreError(
      `no operator key in ${this.dir}/keys (operator-signing.nk or operator.nk): ` +
        "re-signing accounts needs the operator's seed",
    );
  }

  /** Names of the stored accounts. */
  async accountNames(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(`${this.dir}/accounts`)) {
        if (e.isDirectory && NAME.test(e.name)) names.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return names.sort();
  }

  /** Reads one account (signature verified). */
  async account(name: string): Promise<StoredAccount> {
    const file = `${this.accountDir(name)}/account.jwt`;
    let jwt: string;
    try {
      jwt = (await Deno.readTextFile(file)).trim();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        const known = await this.accountNames();
        throw new OperatorStoreError(
          `unknown account ${JSON.stringify(name)} in ${this.dir} (known: ${
            known.join(", ") || "none"
          })`,
          { cause: e },
        );
      }
      throw e;
    }
    const { publicKey, spec } = accountSpecFromJwt(jwt);
    return { name, publicKey, jwt, spec };
  }

  /** Every stored account. */
  async accounts(): Promise<StoredAccount[]> {
    return await Promise.all((await this.accountNames()).map((n) => this.account(n)));
  }

  /**
   * The account signing key that issues the account's users; an imported nsc account without
   * signing keys issues them with its identity key.
   */
  async accountSigner(name: string): Promise<KeyPair> {
    const dir = this.accountDir(name);
    if (await pathExists(`${dir}/signing.nk`)) {
      return await readSeedFile(`${dir}/signing.nk`, "account");
    }
    if (await pathExists(`${dir}/account.nk`)) {
      return await readSeedFile(`${dir}/account.nk`, "account");
    }
    throw new OperatorStoreError(
      `no key of account ${name} in ${dir} (signing.nk or account.nk): issuing users needs its seed`,
    );
  }

  /**
   * Edits a stored account: decodes its JWT, applies `edit` to the claims and re-signs them
   * whole with the operator signing key, so every claim (also of accounts nsc created) is kept.
   * Returns the account as written; it must then reach the servers (push, or restart).
   */
  async updateAccount(name: string, edit: AccountEdit): Promise<StoredAccount> {
    const current = await this.account(name);
    const jwt = await resignAccountJwt(current.jwt, edit, await this.operatorSigner());
    await Deno.writeTextFile(`${this.accountDir(name)}/account.jwt`, jwt + "\n");
    return { name, publicKey: current.publicKey, jwt, spec: accountSpecFromJwt(jwt).spec };
  }

  /**
   * Creates an account: identity key, one signing key (added to the spec) and the JWT signed by
   * the operator signing key. Refuses to overwrite an existing account.
   */
  async createAccount(spec: AccountSpec): Promise<StoredAccount> {
    const name = checkName(spec.name, "account");
    const dir = this.accountDir(name);
    if (await pathExists(`${dir}/account.jwt`)) {
      throw new OperatorStoreError(`account ${name} already exists in ${this.dir}`);
    }
    await ensurePrivateDir(`${dir}/users`);
    const identity = await generateKeyFile("account", `${dir}/account.nk`);
    const signing = await generateKeyFile("account", `${dir}/signing.nk`);
    const full: AccountSpec = {
      ...spec,
      signingKeys: [...(spec.signingKeys ?? []), signing.publicKey],
    };
    const jwt = await encodeAccountJwt(identity.publicKey, full, await this.operatorSigner());
    await Deno.writeTextFile(`${dir}/account.jwt`, jwt + "\n");
    return { name, publicKey: identity.publicKey, jwt, spec: full };
  }

  /**
   * Creates a user of `account`: a fresh user key, a JWT signed by the account signing key and a
   * creds file (0600). Refuses to overwrite an existing user unless `replace`.
   */
  async addUser(
    account: string,
    specOrFn: UserSpec | ((publicKey: string) => UserSpec),
    replace = false,
  ): Promise<StoredUser> {
    // a function: the spec depends on the user's public key (its own inbox, issue 8 §1)
    const key = generateKey("user");
    const spec = typeof specOrFn === "function" ? specOrFn(key.publicKey) : specOrFn;
    const name = checkName(spec.name, "user");
    const acc = await this.account(account);
    const file = this.credsFile(account, name);
    if (!replace && await pathExists(file)) {
      throw new OperatorStoreError(`user ${name} already exists in account ${account}`);
    }
    await ensurePrivateDir(`${this.accountDir(account)}/users`);
    const jwt = await encodeUserJwt(
      key.publicKey,
      spec,
      acc.publicKey,
      await this.accountSigner(account),
    );
    await writeCredsFile(file, jwt, key.seed);
    return { account, name, publicKey: key.publicKey, jwt, credsFile: file };
  }

  /** The public key of a stored user (from its creds file). */
  async userPublicKey(account: string, user: string): Promise<string> {
    const file = this.credsFile(account, user);
    if (!(await pathExists(file))) {
      throw new OperatorStoreError(`unknown user ${JSON.stringify(user)} in account ${account}`);
    }
    const creds = await readCredsFile(file);
    try {
      return verifyJwt(creds.jwt, { type: "user", ignoreTime: true }).sub;
    } catch (e) {
      throw new OperatorStoreError(`user ${user}: ${(e as NatsJwtError).message}`, { cause: e });
    }
  }

  /**
   * Revokes a user (by stored name or public key) in its account JWT; returns the re-signed
   * account, which must then reach the servers (push, or restart with a memory resolver).
   */
  async revokeUser(account: string, user: string, at?: number): Promise<StoredAccount> {
    const pub = /^U[A-Z2-7]{55}$/.test(user) ? user : await this.userPublicKey(account, user);
    return await this.updateAccount(account, revokeUserEdit(pub, at));
  }
}
