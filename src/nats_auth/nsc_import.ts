/**
 * `osapi nats operator import`: turns an nsc operator store into an osapi operator store. JWTs
 * are copied verbatim (every claim kept); the seeds found in nsc's keystore become the store's
 * key files (0600) and the users with a seed get creds files. nsc's layout:
 *
 * ```
 * <stores>/<operator>/<operator>.jwt
 * <stores>/<operator>/accounts/<account>/<account>.jwt
 * <stores>/<operator>/accounts/<account>/users/<user>.jwt
 * <keystore>/keys/<O|A|U>/<2 chars>/<public key>.nk
 * ```
 */
import { basename, dirname, join } from "node:path";
import { ensurePrivateDir, pathExists } from "../config/paths.ts";
import { writeCredsFile } from "./creds.ts";
import { type Account, type Operator, type User, verifyJwt } from "./nats_jwt.ts";
import { type KeyType, pairFromSeed, seedOf, writeSeedFile } from "./nats_keys.ts";
import { checkName, OperatorStore, OperatorStoreError } from "./operator_store.ts";

/** Options of {@link importNscStore}. */
export interface NscImportOptions {
  /** nsc's data dir (`stores`, holding operator dirs) or one operator dir. */
  storeDir: string;
  /** nsc's keystore (holding `keys/`); default: `keys` next to the stores dir. */
  keysDir?: string;
  /** Operator name, needed when the stores dir holds several. */
  operator?: string;
  /** osapi's operator store directory to write. */
  dir: string;
  /** Replace an existing osapi store there. */
  force?: boolean;
}

/** One imported account. */
export interface NscImportedAccount {
  name: string;
  publicKey: string;
  /** Which key issues new users: `signing` (unscoped signing key), `identity`, `scoped`, none. */
  userSigner: "signing" | "identity" | "scoped" | "none";
  /** Users written with a creds file. */
  users: string[];
  /** Users whose seed is not in the keystore (JWT only: no creds file). */
  usersWithoutSeed: string[];
}

/** What {@link importNscStore} wrote. */
export interface NscImportResult {
  operator: string;
  operatorPublicKey: string;
  /** Which operator key re-signs accounts: `signing`, `identity` or none found. */
  accountSigner: "signing" | "identity" | "none";
  systemAccount: string;
  accounts: NscImportedAccount[];
  dir: string;
}

function fail(message: string): never {
  throw new OperatorStoreError(`nsc import: ${message}`);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function subdirs(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) if (e.isDirectory) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

async function readJwtFile(path: string): Promise<string> {
  return (await Deno.readTextFile(path)).trim();
}

/** The operator dir: `storeDir` itself, or its only (or named) `<op>/<op>.jwt` subdir. */
async function operatorDirOf(storeDir: string, name?: string): Promise<string> {
  if (!(await isDir(storeDir))) fail(`${storeDir} is not a directory`);
  const own = basename(storeDir.replace(/\/+$/, ""));
  if (await pathExists(join(storeDir, `${own}.jwt`))) {
    if (name && name !== own) fail(`${storeDir} is the nsc operator ${own}, not ${name}`);
    return storeDir;
  }
  const ops: string[] = [];
  for (const d of await subdirs(storeDir)) {
    if (await pathExists(join(storeDir, d, `${d}.jwt`))) ops.push(d);
  }
  if (ops.length === 0) {
    fail(
      `${storeDir} is not an nsc store: expected <dir>/<operator>/<operator>.jwt (nsc's data ` +
        "dir, e.g. ~/.local/share/nats/nsc/stores) or <dir>/<operator>.jwt (one operator)",
    );
  }
  if (name) {
    if (!ops.includes(name)) fail(`no operator ${name} in ${storeDir} (found: ${ops.join(", ")})`);
    return join(storeDir, name);
  }
  if (ops.length > 1) {
    fail(`${storeDir} holds several operators (${ops.join(", ")}): choose one with --operator`);
  }
  return join(storeDir, ops[0]);
}

/** The dir holding `<O|A|U>/<2 chars>/<key>.nk`. */
async function keysRootOf(operatorDir: string, keysDir?: string): Promise<string> {
  const given = keysDir ?? join(dirname(dirname(operatorDir)), "keys");
  for (const c of [join(given, "keys"), given]) {
    for (const p of ["O", "A", "U"]) if (await isDir(join(c, p))) return c;
  }
  fail(
    `no nsc keystore at ${given} (expected ${given}/keys/<O|A|U>/<2 chars>/<public key>.nk, ` +
      "nsc's keystore dir, e.g. ~/.local/share/nats/nsc/keys): pass --keys <keystore-dir>",
  );
}

/** The seed of `publicKey` in the keystore, checked against the key; undefined if absent. */
async function seedFor(
  root: string,
  publicKey: string,
  type: KeyType,
): Promise<string | undefined> {
  const file = join(root, publicKey[0], publicKey.slice(1, 3), `${publicKey}.nk`);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const line = text.split("\n").map((l) => l.trim()).find((l) => /^S[A-Z2-7]{57}$/.test(l));
  if (!line) fail(`${file} holds no seed`);
  const pair = pairFromSeed(line, type, file);
  if (pair.getPublicKey() !== publicKey) fail(`${file} holds the seed of another key`);
  return seedOf(pair);
}

function keyOf(k: string | { key: string }): string {
  return typeof k === "string" ? k : k.key;
}

/**
 * Imports an nsc operator (its accounts, users and the seeds in the keystore) into an osapi
 * operator store. Refuses an existing store unless `force`.
 */
export async function importNscStore(opts: NscImportOptions): Promise<NscImportResult> {
  const opDir = await operatorDirOf(opts.storeDir, opts.operator);
  const opName = basename(opDir.replace(/\/+$/, ""));
  const keys = await keysRootOf(opDir, opts.keysDir);
  const opJwt = await readJwtFile(join(opDir, `${opName}.jwt`));
  const op = verifyJwt<Operator>(opJwt, { type: "operator", ignoreTime: true });
  const opSigningKeys = (op.nats.signing_keys ?? []).map(keyOf);

  // Read and check everything before writing anything.
  const accounts: {
    name: string;
    jwt: string;
    publicKey: string;
    identity?: string;
    signing?: string;
    userSigner: NscImportedAccount["userSigner"];
    users: { name: string; jwt: string; seed?: string }[];
  }[] = [];
  for (const name of await subdirs(join(opDir, "accounts"))) {
    const file = join(opDir, "accounts", name, `${name}.jwt`);
    if (!(await pathExists(file))) fail(`account dir ${dirname(file)} has no ${name}.jwt`);
    checkName(name, "account");
    const jwt = await readJwtFile(file);
    let c;
    try {
      c = verifyJwt<Account>(jwt, {
        type: "account",
        issuers: [op.sub, ...opSigningKeys],
        ignoreTime: true,
      });
    } catch (e) {
      fail(`${file}: ${(e as Error).message} (not signed by operator ${opName})`);
    }
    const identity = await seedFor(keys, c.sub, "account");
    const sks = c.nats.signing_keys ?? [];
    let signing: string | undefined;
    let userSigner: NscImportedAccount["userSigner"] = "none";
    for (const k of sks) {
      if (typeof k !== "string" && (k as { kind?: string }).kind === "user_scope") continue;
      signing = await seedFor(keys, keyOf(k), "account");
      if (signing) {
        userSigner = "signing";
        break;
      }
    }
    if (!signing && identity) userSigner = "identity";
    if (!signing && !identity) {
      for (const k of sks) {
        signing = await seedFor(keys, keyOf(k), "account");
        if (signing) {
          userSigner = "scoped";
          break;
        }
      }
    }
    const users: { name: string; jwt: string; seed?: string }[] = [];
    const usersDir = join(opDir, "accounts", name, "users");
    try {
      for await (const e of Deno.readDir(usersDir)) {
        if (!e.isFile || !e.name.endsWith(".jwt")) continue;
        const user = checkName(e.name.slice(0, -4), "user");
        const ujwt = await readJwtFile(join(usersDir, e.name));
        const u = verifyJwt<User>(ujwt, { type: "user", ignoreTime: true });
        users.push({ name: user, jwt: ujwt, seed: await seedFor(keys, u.sub, "user") });
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    users.sort((a, b) => a.name.localeCompare(b.name));
    accounts.push({ name, jwt, publicKey: c.sub, identity, signing, userSigner, users });
  }
  const sysKey = op.nats.system_account ?? "";
  const sys = accounts.find((a) => a.publicKey === sysKey);
  if (!sysKey || !sys) {
    fail(
      `operator ${opName} names no system account among its accounts: create it with ` +
        "`nsc add operator --sys` or `nsc edit operator --system-account <account>`",
    );
  }

  const store = new OperatorStore(opts.dir);
  if (await store.exists()) {
    if (!opts.force) {
      fail(
        `${opts.dir} already holds an operator; use another --dir, or --force to replace it ` +
          "(existing keys are lost)",
      );
    }
    for (const p of ["accounts", "keys", "resolver"]) {
      await Deno.remove(join(opts.dir, p), { recursive: true }).catch(() => {});
    }
  }
  await ensurePrivateDir(join(opts.dir, "keys"));
  await ensurePrivateDir(join(opts.dir, "accounts"));
  const opIdentity = await seedFor(keys, op.sub, "operator");
  if (opIdentity) await writeSeedFile(store.keyFile("operator.nk"), opIdentity);
  let accountSigner: NscImportResult["accountSigner"] = opIdentity ? "identity" : "none";
  for (const k of opSigningKeys) {
    const seed = await seedFor(keys, k, "operator");
    if (seed) {
      await writeSeedFile(store.keyFile("operator-signing.nk"), seed);
      accountSigner = "signing";
      break;
    }
  }
  await Deno.writeTextFile(store.operatorJwtFile, opJwt + "\n", { mode: 0o644 });

  const out: NscImportedAccount[] = [];
  for (const a of accounts) {
    const dir = store.accountDir(a.name);
    await ensurePrivateDir(join(dir, "users"));
    await Deno.writeTextFile(join(dir, "account.jwt"), a.jwt + "\n");
    if (a.identity) await writeSeedFile(join(dir, "account.nk"), a.identity);
    if (a.signing) await writeSeedFile(join(dir, "signing.nk"), a.signing);
    const withSeed: string[] = [];
    const without: string[] = [];
    for (const u of a.users) {
      if (!u.seed) {
        without.push(u.name);
        continue;
      }
      await writeCredsFile(store.credsFile(a.name, u.name), u.jwt, u.seed);
      withSeed.push(u.name);
    }
    out.push({
      name: a.name,
      publicKey: a.publicKey,
      userSigner: a.userSigner,
      users: withSeed,
      usersWithoutSeed: without,
    });
  }
  return {
    operator: opName,
    operatorPublicKey: op.sub,
    accountSigner,
    systemAccount: sys.name,
    accounts: out,
    dir: opts.dir,
  };
}
