/**
 * Files of a provider's root directory (`ProviderContext.root`): paths joined safely inside the
 * root, atomic writes, whether the root is the live system ("/"), and running its tools.
 */
import { runProcess } from "./process.ts";

/** True when `root` is the running system (live changes such as `sysctl -w` are allowed). */
export function isLiveRoot(root: string): boolean {
  return root === "/";
}

/** True when systemd runs this (live) system. */
export function systemdRunning(): Promise<boolean> {
  return Deno.stat("/run/systemd/system").then((s) => s.isDirectory, () => false);
}

/**
 * `parts` joined inside `root`. Parts are split at `/` and every component must be a plain
 * name: not empty (so no absolute part), not `.` or `..`, no NUL. Throws naming the component
 * at fault; `root` must be absolute.
 */
export function rootPath(root: string, ...parts: string[]): string {
  if (!root.startsWith("/")) throw new Error(`root must be an absolute path (got ${root})`);
  const names = parts.flatMap((p) => p.split("/"));
  for (const n of names) {
    if (n === "" || n === "." || n === ".." || n.includes("\0")) {
      throw new Error(`unsafe path component ${JSON.stringify(n)} in ${parts.join("/")}`);
    }
  }
  const base = root.endsWith("/") ? root.slice(0, -1) : root;
  return `${base}/${names.join("/")}`;
}

/** The text of `path`, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Writes `text` to `path` atomically (a temporary file beside it, then a rename), creating the
 * parent directory when missing.
 */
export async function writeTextAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.osapi-tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode });
    await Deno.chmod(tmp, mode);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Removes `path`; false when it did not exist. */
export async function removeIfExists(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Runs a system tool on the live system (argv array, no shell, 30 s timeout) and returns its
 * stdout; a non-zero exit throws with the tool's stderr.
 */
export async function runTool(argv: string[], signal?: AbortSignal): Promise<string> {
  const r = await runProcess({ argv, timeoutMs: 30_000, signal });
  if (r.exit_code !== 0) {
    throw new Error(`${argv[0]} failed (exit ${r.exit_code}): ${r.stderr.trim().slice(0, 500)}`);
  }
  return r.stdout;
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier `serialized` call for the same `key` settled (read-modify-write
 * of one file by jobs running at once on this worker).
 */
export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => {});
  queues.set(key, tail);
  tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}
