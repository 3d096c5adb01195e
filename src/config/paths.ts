/** Where osapi keeps state and caches, derived from the configuration and XDG variables. */
import type { Config } from "./schema.ts";

function env(name: string): string | undefined {
  const v = Deno.env.get(name);
  return v === undefined || v === "" ? undefined : v;
}

/**
 * The state directory: `data_dir`, else `$XDG_DATA_HOME/osapi`, else `./.osapi`. `xdgDataHome`
 * is this process's `XDG_DATA_HOME` unless given (e.g. a systemd unit's environment).
 */
export function dataDir(config: Config, xdgDataHome = env("XDG_DATA_HOME")): string {
  if (config.data_dir !== "") return config.data_dir;
  return xdgDataHome ? `${xdgDataHome}/osapi` : "./.osapi";
}

/** The JetStream store directory: `nats.server.store_dir`, else `<data_dir>/jetstream`. */
export function storeDir(config: Config, xdgDataHome = env("XDG_DATA_HOME")): string {
  return config.nats.server.store_dir !== ""
    ? config.nats.server.store_dir
    : `${dataDir(config, xdgDataHome)}/jetstream`;
}

/** The cache root: `$XDG_CACHE_HOME/osapi`, else `$HOME/.cache/osapi`, else `./.osapi/cache`. */
export function cacheDir(): string {
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/osapi`;
  const home = env("HOME");
  return home ? `${home}/.cache/osapi` : "./.osapi/cache";
}

/** Creates a directory (and parents) readable only by the owner. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
}

/** Writes a secret file (seed, key, creds) with mode 0600, atomically. */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, content, { mode: 0o600 });
  await Deno.chmod(tmp, 0o600);
  await Deno.rename(tmp, path);
}

/** A secret file osapi keeps for itself cannot be read; `message` names the file, not content. */
export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretFileError";
  }
}

function fsReason(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  return e instanceof Error ? e.name : "cannot be read";
}

/**
 * Reads a secret file osapi generated for itself (seed, signing key): undefined when missing;
 * a file readable by group or others is set back to 0600, with a warning.
 */
export async function readOwnSecretFile(
  path: string,
  what: string,
  warn?: (message: string, fields: Record<string, unknown>) => void,
): Promise<string | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new SecretFileError(`${what} ${path}: ${fsReason(e)}`);
  }
  if (!info.isFile) throw new SecretFileError(`${what} ${path}: not a regular file`);
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    await Deno.chmod(path, 0o600);
    warn?.(`${what} was readable by group or others; mode set to 600`, { path });
  }
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new SecretFileError(`${what} ${path}: ${fsReason(e)}`);
  }
}

/** True when `path` exists; other errors than "not found" are thrown. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
