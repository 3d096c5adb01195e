/**
 * The accounts of a provider root: `<root>/etc/passwd`, `group` and `shadow` parsed (password
 * hashes are read only to tell `locked` and to compare a new password, never returned), and the
 * shadow tools run against the root (`useradd --root <root> ...`), secrets on stdin.
 */
import { OperationInputError } from "../../core/job.ts";
import { sha512Crypt } from "../../core/sha512_crypt.ts";
import { readTextIfExists, rootPath, serialized } from "./root.ts";
import { childEnv } from "./process.ts";
import type { ProviderContext } from "./types.ts";

/** One `/etc/passwd` entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One `/etc/group` entry. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** A user as the API shows it. */
export interface UserInfo extends PasswdEntry {
  groups: string[];
  locked?: boolean;
}

const lines = (text: string | undefined) =>
  (text ?? "").split("\n").filter((l) => l !== "" && !l.startsWith("#"));

/** The entries of a passwd file's text (malformed lines skipped). */
export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).flatMap((l) => {
    const f = l.split(":");
    if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return [];
    return [{ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] }];
  });
}

/** The entries of a group file's text (malformed lines skipped). */
export function parseGroup(text: string): GroupEntry[] {
  return lines(text).flatMap((l) => {
    const f = l.split(":");
    if (f.length < 4 || !/^\d+$/.test(f[2])) return [];
    return [{ name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(",") : [] }];
  });
}

/** The password field of each shadow entry, by user name. */
function parseShadow(text: string | undefined): Map<string, string> {
  return new Map(
    lines(text).map((l) => {
      const f = l.split(":");
      return [f[0], f[1] ?? ""];
    }),
  );
}

const etc = (root: string, name: string) => rootPath(root, "etc", name);

/** The host's passwd entries (none without `<root>/etc/passwd`). */
export async function readPasswd(root: string): Promise<PasswdEntry[]> {
  return parsePasswd(await readTextIfExists(etc(root, "passwd")) ?? "");
}

/** The host's groups. */
export async function readGroups(root: string): Promise<GroupEntry[]> {
  return parseGroup(await readTextIfExists(etc(root, "group")) ?? "");
}

/** The stored password hash of `name` (undefined without a shadow entry or file access). */
export async function shadowHash(root: string, name: string): Promise<string | undefined> {
  const text = await readTextIfExists(etc(root, "shadow")).catch(() => undefined);
  return parseShadow(text).get(name);
}

/** Every user with its supplementary groups and lock state. */
export async function listUsers(root: string): Promise<UserInfo[]> {
  const [passwd, groups] = await Promise.all([readPasswd(root), readGroups(root)]);
  const shadow = await readTextIfExists(etc(root, "shadow")).catch(() => undefined);
  const hashes = parseShadow(shadow);
  return passwd.map((u) => {
    const hash = hashes.get(u.name);
    return {
      ...u,
      groups: groups.filter((g) => g.members.includes(u.name)).map((g) => g.name),
      ...(hash === undefined ? {} : { locked: hash.startsWith("!") }),
    };
  });
}

/** The user `name`, or undefined. */
export async function findUser(root: string, name: string): Promise<UserInfo | undefined> {
  return (await listUsers(root)).find((u) => u.name === name);
}

/** The user `name`; throws {@link OperationInputError} when there is none. */
export async function getUser(root: string, name: string): Promise<UserInfo> {
  const user = await findUser(root, name);
  if (!user) throw new OperationInputError(`no user ${name} on this host`, "name");
  return user;
}

/** The group `name`, or undefined. */
export async function findGroup(root: string, name: string): Promise<GroupEntry | undefined> {
  return (await readGroups(root)).find((g) => g.name === name);
}

/** Refuses names of `groups` that the host does not have. */
export async function checkGroupsExist(root: string, groups: readonly string[]): Promise<void> {
  const known = new Set((await readGroups(root)).map((g) => g.name));
  const missing = groups.filter((g) => !known.has(g));
  if (missing.length > 0) {
    throw new OperationInputError(`no group ${missing.join(", ")} on this host`, "groups");
  }
}

/**
 * Runs shadow tool `tool` against `root` (`--root <root>` unless it is "/"), arguments after
 * it, `stdin` written to its input (secrets go there, never into argv). A non-zero exit throws
 * with the tool's stderr (which never holds the input).
 */
export async function runAccountTool(
  ctx: ProviderContext,
  tool: string,
  args: string[],
  stdin = "",
): Promise<string> {
  const argv = [tool, ...(ctx.root === "/" ? [] : ["--root", ctx.root]), ...args];
  ctx.signal.throwIfAborted();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: childEnv({ LC_ALL: "C" }),
      clearEnv: true,
      signal: ctx.signal,
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${tool} is not installed on this host`);
    }
    throw e;
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin)).catch(() => {});
  await writer.close().catch(() => {});
  const out = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  if (!out.success) {
    throw new Error(`${tool} failed (exit ${out.code}): ${text(out.stderr).trim().slice(0, 500)}`);
  }
  return text(out.stdout);
}

/** Runs `fn` after the other account changes of this worker on `root` settled. */
export function accountsSerialized<T>(ctx: ProviderContext, fn: () => Promise<T>): Promise<T> {
  return serialized(`accounts:${ctx.root}`, fn);
}

/**
 * True when `password` hashes to `stored` (SHA-512 crypt hashes with the default rounds only:
 * others cannot be recomputed here and count as different).
 */
export async function passwordMatches(password: string, stored: string | undefined) {
  const salt = stored?.match(/^\$6\$([./A-Za-z0-9]{1,16})\$/)?.[1];
  return salt !== undefined && await sha512Crypt(password, salt) === stored;
}
