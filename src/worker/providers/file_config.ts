/**
 * Files osapi deploys on a host: the manifest of what it deployed
 * (`<root>/var/lib/osapi/deployed.json`: path -> object, SHA-256, mode, owner), the state of a
 * path on disk, owners resolved in the root's own passwd and group files, and atomic writes
 * with mode and owner.
 */
import { OperationInputError } from "../../core/job.ts";
import { sha256Hex } from "../../core/files.ts";
import { readTextIfExists, rootPath, serialized, writeTextAtomic } from "./root.ts";

/** The manifest, relative to the root. */
export const DEPLOY_MANIFEST = "var/lib/osapi/deployed.json";

/** One deployed file of the manifest. */
export interface DeployedFile {
  object_name: string;
  sha256: string;
  /** Octal permission bits, 4 digits. */
  mode: string;
  uid: number;
  gid: number;
  deployed_at: string;
}

/** The manifest: deployed files by absolute path. */
export type DeployManifest = Record<string, DeployedFile>;

/** The file at `path` (absolute on the host) inside `root`. */
export function hostFile(root: string, path: string): string {
  return rootPath(root, path.slice(1));
}

/** The manifest of the host whose root is `root` (empty when none). */
export async function readManifest(root: string): Promise<DeployManifest> {
  const text = await readTextIfExists(rootPath(root, DEPLOY_MANIFEST));
  if (text === undefined) return {};
  try {
    const m = JSON.parse(text);
    return typeof m === "object" && m !== null && !Array.isArray(m) ? m : {};
  } catch {
    throw new Error(`${DEPLOY_MANIFEST} is not JSON: fix or remove it`);
  }
}

/** Changes the manifest with `edit` (serialised per root); `edit` returns false for no change. */
export function editManifest(
  root: string,
  edit: (m: DeployManifest) => boolean,
): Promise<void> {
  const file = rootPath(root, DEPLOY_MANIFEST);
  return serialized(file, async () => {
    const m = await readManifest(root);
    if (edit(m)) await writeTextAtomic(file, JSON.stringify(m, null, 2) + "\n", 0o600);
  });
}

/** Permission bits as 4 octal digits. */
export const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, "0");

/** What a path holds: a regular file's SHA-256, mode and ids, or nothing. */
export interface OnDisk {
  sha256: string;
  mode: string;
  uid: number;
  gid: number;
}

/**
 * The regular file at `file`, or undefined when nothing is there; anything else there (a
 * directory, a link, a device) is refused, naming the path.
 */
export async function onDisk(file: string, path: string): Promise<OnDisk | undefined> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  if (!st.isFile) {
    throw new OperationInputError(`${path} exists and is not a regular file`, "path");
  }
  return {
    sha256: await sha256Hex(await Deno.readFile(file)),
    mode: octal(st.mode ?? 0),
    uid: st.uid ?? 0,
    gid: st.gid ?? 0,
  };
}

/** The id of `name` in the root's `etc/passwd` (`passwd`) or `etc/group` (`group`). */
export async function resolveId(
  root: string,
  db: "passwd" | "group",
  name: string,
): Promise<number> {
  if (/^[0-9]+$/.test(name)) return Number(name);
  const text = await readTextIfExists(rootPath(root, "etc", db)) ?? "";
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 3 && /^[0-9]+$/.test(f[2])) return Number(f[2]);
  }
  const field = db === "passwd" ? "owner" : "group";
  throw new OperationInputError(`${field} ${name} does not exist on this host (etc/${db})`, field);
}

/** The name of id `id` in the root's passwd or group file, or the id itself. */
export async function idName(root: string, db: "passwd" | "group", id: number): Promise<string> {
  const text = await readTextIfExists(rootPath(root, "etc", db)) ?? "";
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && f[2] === String(id)) return f[0];
  }
  return String(id);
}

/**
 * Writes `data` at `file` atomically (a temporary file beside it, then a rename) with `mode`
 * and owner `uid:gid` (undefined: the worker's own), creating missing parent directories
 * (0755).
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array,
  mode: number,
  uid: number | undefined,
  gid: number | undefined,
): Promise<void> {
  const dir = file.slice(0, file.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = `${file}.osapi-tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(tmp, data, { mode: 0o600, createNew: true });
    if (uid !== undefined || gid !== undefined) await Deno.chown(tmp, uid ?? null, gid ?? null);
    await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, file);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
