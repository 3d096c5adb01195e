/**
 * The SSH authorized keys of a user of a provider root: `<root><home>/.ssh/authorized_keys`, the
 * home from `<root>/etc/passwd`. Keys are named by their OpenSSH SHA-256 fingerprint. The
 * directory is made 0700 and the file written 0600 (atomically), owned by the user when the
 * worker runs as root; a symlinked `.ssh` or `authorized_keys` is refused (the user owns them).
 */
import { OperationInputError } from "../../core/job.ts";
import { sshBlobType } from "../../core/operations/user.ts";
import { readPasswd } from "./user_accounts.ts";
import { rootPath, serialized, writeTextAtomic } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** One authorized key as the API shows it. */
export interface SshKeyInfo {
  type: string;
  fingerprint: string;
  comment?: string;
}

/** The OpenSSH fingerprint (`SHA256:...`, unpadded base64) of base64 key blob `base64`. */
export async function sshFingerprint(base64: string): Promise<string> {
  const blob = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", blob));
  return `SHA256:${btoa(String.fromCharCode(...digest)).replace(/=+$/, "")}`;
}

/** A fingerprint with URL-safe base64 (`-`, `_`) turned back into OpenSSH's (`+`, `/`). */
export function normalFingerprint(fingerprint: string): string {
  return fingerprint.replace(/-/g, "+").replace(/_/g, "/");
}

/** The key of one `authorized_keys` line (options before it allowed), or undefined. */
export async function parseKeyLine(line: string): Promise<SshKeyInfo | undefined> {
  if (line.trim() === "" || line.trimStart().startsWith("#")) return undefined;
  const tokens = line.match(/(?:[^\s"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (sshBlobType(tokens[i + 1]) !== tokens[i]) continue;
    const comment = tokens.slice(i + 2).join(" ");
    return {
      type: tokens[i],
      fingerprint: await sshFingerprint(tokens[i + 1]),
      ...(comment ? { comment } : {}),
    };
  }
  return undefined;
}

/** Where a user's keys live, and whom they belong to. */
interface KeyFile {
  dir: string;
  path: string;
  uid: number;
  gid: number;
}

async function keyFile(root: string, name: string): Promise<KeyFile> {
  const user = (await readPasswd(root)).find((u) => u.name === name);
  if (!user) throw new OperationInputError(`no user ${name} on this host`, "name");
  if (!user.home.startsWith("/") || user.home === "/") {
    throw new Error(`user ${name} has no usable home directory (${JSON.stringify(user.home)})`);
  }
  const dir = rootPath(root, user.home.slice(1), ".ssh");
  return { dir, path: `${dir}/authorized_keys`, uid: user.uid, gid: user.gid };
}

/** The lstat of `path`, refusing a symlink; undefined when it does not exist. */
async function lstatNoLink(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) throw new Error(`${path} is a symbolic link; osapi leaves it alone`);
    return info;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** The lines of the user's `authorized_keys` (none when it does not exist). */
async function readLines(f: KeyFile): Promise<string[]> {
  if (!await lstatNoLink(f.dir) || !await lstatNoLink(f.path)) return [];
  return (await Deno.readTextFile(f.path)).split("\n").filter((l, i, all) =>
    l !== "" || i < all.length - 1
  );
}

/** The authorized keys of user `name`. */
export async function listKeys(root: string, name: string): Promise<SshKeyInfo[]> {
  const out: SshKeyInfo[] = [];
  for (const line of await readLines(await keyFile(root, name))) {
    const key = await parseKeyLine(line);
    if (key) out.push(key);
  }
  return out;
}

/**
 * Replaces the lines of user `name`'s `authorized_keys` with what `edit` returns (null: no
 * change), serialised per file. Returns whether the file changed.
 */
export function editKeys(
  ctx: ProviderContext,
  name: string,
  edit: (lines: string[]) => Promise<string[] | null>,
): Promise<boolean> {
  return serialized(`ssh-keys:${ctx.root}:${name}`, async () => {
    const f = await keyFile(ctx.root, name);
    const next = await edit(await readLines(f));
    if (next === null) return false;
    ctx.signal.throwIfAborted();
    const owned = Deno.uid() === 0;
    if (!await lstatNoLink(f.dir)) {
      const home = f.dir.slice(0, -"/.ssh".length);
      if (!await Deno.stat(home).then((i) => i.isDirectory, () => false)) {
        throw new OperationInputError(`the home directory of user ${name} does not exist`, "name");
      }
      await Deno.mkdir(f.dir, { mode: 0o700 });
      await Deno.chmod(f.dir, 0o700);
      if (owned) await Deno.chown(f.dir, f.uid, f.gid);
    }
    await writeTextAtomic(f.path, next.length ? `${next.join("\n")}\n` : "", 0o600);
    if (owned) await Deno.chown(f.path, f.uid, f.gid);
    ctx.log.info("ssh authorized keys written", { name, root: ctx.root, keys: next.length });
    return true;
  });
}
