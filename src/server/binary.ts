/**
 * Finding the nats-server binary osapi supervises: `nats.server.binary`, then the cache
 * (`<cache>/nats-server/<version>/nats-server`), then `nats-server` on PATH (version checked),
 * then a verified download of the release archive into the cache.
 */
import type { NatsServerConfig } from "../config/schema.ts";
import { cacheDir } from "../config/state_layout.ts";
import type { Logger } from "../log.ts";
import {
  downloadToFile,
  type FetchFn,
  fetchText,
  parseSha256Sums,
  type Progress,
  redactUrl,
  releaseArchiveName,
  releaseBaseName,
  releaseFileUrl,
  type ReleasePlatform,
  releasePlatform,
  sha256File,
  stderrProgress,
} from "./download.ts";
import { readTarGz } from "./tar.ts";
import { OsapiError } from "../core/errors.ts";
import { compareVersions, MIN_NATS_SERVER_VERSION } from "../config/nats_version.ts";

/** The oldest nats-server osapi works with, and version comparison (shared with the config). */
export { compareVersions, MIN_NATS_SERVER_VERSION };

/** The part of the server configuration binary resolution reads. */
export type BinaryConfig = Pick<NatsServerConfig, "binary" | "version" | "download_url">;

/** Where the binary came from. */
export type BinarySource = "config" | "cache" | "path" | "download";

/** A usable nats-server binary. */
export interface ResolvedBinary {
  path: string;
  /** Version reported by `nats-server --version`, without the leading `v`. */
  version: string;
  source: BinarySource;
}

/** No usable binary: the message says what was tried and how to provide one. */
export class NatsBinaryError extends OsapiError {
  /** `configError`: the configured `nats.server.binary` is unusable (a configuration error). */
  constructor(message: string, readonly configError = false, options?: ErrorOptions) {
    super("server.binary", message, options);
  }
}

/** Options of {@link resolveNatsServer} and {@link installNatsServer}. */
export interface BinaryOptions {
  log: Logger;
  /** Download when nothing usable is found (default true). */
  allowDownload?: boolean;
  fetch?: FetchFn;
  /** Cache root (default `cacheDir()`, i.e. `$XDG_CACHE_HOME/osapi`). */
  cacheRoot?: string;
  /** PATH to search (default `$PATH`). */
  pathEnv?: string;
  /** Release platform (default: this process's). */
  platform?: ReleasePlatform;
  /** Download progress (default: a bar on stderr when it is a terminal). */
  progress?: Progress;
}

const HOW_TO_PROVIDE = "provide one by setting nats.server.binary to a nats-server path, " +
  `putting nats-server (>= ${MIN_NATS_SERVER_VERSION}) on PATH, or running \`osapi nats install\` ` +
  "with nats.server.download_url pointing at a reachable release mirror";

/** Runs `<path> --version` and returns the version it reports (e.g. "2.14.5"). */
export async function natsServerVersion(path: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(path, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(10_000),
    }).output();
  } catch (e) {
    throw new NatsBinaryError(`cannot run ${path} --version: ${(e as Error).message}`, false, {
      cause: e,
    });
  }
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const m = /\bv?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/.exec(text);
  if (!out.success || !m) {
    throw new NatsBinaryError(
      `${path} --version did not report a nats-server version (exit ${out.code}): ${
        JSON.stringify(text.trim().slice(0, 200))
      }`,
    );
  }
  return m[1];
}

/** `<cacheRoot>/nats-server/<version>/nats-server`. */
export function cachedBinaryPath(version: string, cacheRoot = cacheDir()): string {
  return `${cacheRoot}/nats-server/${version}/nats-server`;
}

/** Why a path is not an executable file, or undefined when it is one. */
async function notExecutable(path: string): Promise<string | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "does not exist" : (e as Error).message;
  }
  if (!info.isFile) return "is not a file";
  if (info.mode !== null && (info.mode & 0o111) === 0) return "is not executable";
  return undefined;
}

async function fromConfig(path: string): Promise<ResolvedBinary> {
  const problem = await notExecutable(path);
  if (problem) {
    throw new NatsBinaryError(
      `nats.server.binary: ${path} ${problem}; set it to an executable nats-server binary ` +
        "(or leave it empty to use the cache, PATH or a download)",
      true,
    );
  }
  let version: string;
  try {
    version = await natsServerVersion(path);
  } catch (e) {
    throw new NatsBinaryError(`nats.server.binary: ${(e as Error).message}`, true, { cause: e });
  }
  if (compareVersions(version, MIN_NATS_SERVER_VERSION) < 0) {
    throw new NatsBinaryError(
      `nats.server.binary: ${path} is nats-server v${version}; osapi needs at least ` +
        `v${MIN_NATS_SERVER_VERSION}`,
      true,
    );
  }
  return { path, version, source: "config" };
}

async function fromCache(
  version: string,
  cacheRoot: string,
  log: Logger,
): Promise<ResolvedBinary | undefined> {
  const path = cachedBinaryPath(version, cacheRoot);
  if (await notExecutable(path)) return undefined;
  try {
    const found = await natsServerVersion(path);
    if (found === version) return { path, version, source: "cache" };
    log.warn("cached nats-server reports another version; ignoring it", {
      path,
      found,
      wanted: version,
    });
  } catch (e) {
    log.warn("cached nats-server does not run; ignoring it", { path, error: (e as Error).message });
  }
  return undefined;
}

/** A PATH binary that is too old, kept to explain a later failure. */
interface Rejected {
  path: string;
  version: string;
}

async function fromPath(
  pathEnv: string,
  log: Logger,
  rejected: Rejected[],
): Promise<ResolvedBinary | undefined> {
  for (const dir of pathEnv.split(":")) {
    if (!dir) continue;
    const path = `${dir.replace(/\/+$/, "")}/nats-server`;
    if (await notExecutable(path)) continue;
    let version: string;
    try {
      version = await natsServerVersion(path);
    } catch (e) {
      log.warn("nats-server on PATH does not run; skipping it", {
        path,
        error: (e as Error).message,
      });
      continue;
    }
    if (compareVersions(version, MIN_NATS_SERVER_VERSION) >= 0) {
      return { path, version, source: "path" };
    }
    rejected.push({ path, version });
    log.warn(
      `nats-server on PATH is v${version}, osapi needs at least v${MIN_NATS_SERVER_VERSION}; ` +
        "skipping it",
      { path },
    );
  }
  return undefined;
}

function tooOldNote(rejected: Rejected[]): string {
  return rejected.map((r) =>
    ` (${r.path} on PATH is v${r.version}; at least v${MIN_NATS_SERVER_VERSION} is needed)`
  ).join("");
}

/**
 * Finds a usable nats-server: `nats.server.binary`, the cache, PATH, then (when allowed) a
 * verified download into the cache. Throws {@link NatsBinaryError} explaining what to do.
 */
export async function resolveNatsServer(
  config: BinaryConfig,
  opts: BinaryOptions,
): Promise<ResolvedBinary> {
  if (config.binary !== "") return await fromConfig(config.binary);
  const cacheRoot = opts.cacheRoot ?? cacheDir();
  const cached = await fromCache(config.version, cacheRoot, opts.log);
  if (cached) return cached;
  const rejected: Rejected[] = [];
  const onPath = await fromPath(opts.pathEnv ?? Deno.env.get("PATH") ?? "", opts.log, rejected);
  if (onPath) return onPath;
  if (opts.allowDownload === false) {
    throw new NatsBinaryError(
      `no nats-server found: not configured, not cached at ${
        cachedBinaryPath(config.version, cacheRoot)
      }, not on PATH${tooOldNote(rejected)}; ${HOW_TO_PROVIDE}`,
    );
  }
  try {
    return await download(config, { ...opts, cacheRoot });
  } catch (e) {
    throw new NatsBinaryError(
      `no nats-server found and the download failed: ${(e as Error).message}${
        tooOldNote(rejected)
      }; ${HOW_TO_PROVIDE}`,
      false,
      { cause: e },
    );
  }
}

/**
 * `osapi nats install`: downloads and verifies nats-server `config.version` into the cache,
 * unless it is cached already (`force` re-downloads). Ignores `nats.server.binary` and PATH.
 */
export async function installNatsServer(
  config: BinaryConfig,
  opts: BinaryOptions & { force?: boolean },
): Promise<ResolvedBinary> {
  const cacheRoot = opts.cacheRoot ?? cacheDir();
  if (!opts.force) {
    const cached = await fromCache(config.version, cacheRoot, opts.log);
    if (cached) return cached;
  }
  try {
    return await download(config, { ...opts, cacheRoot });
  } catch (e) {
    throw new NatsBinaryError(
      `installing nats-server v${config.version} failed: ${(e as Error).message}; ` +
        "give a binary with nats.server.binary (OSAPI_NATS_SERVER_BINARY) or put nats-server " +
        `(>= ${MIN_NATS_SERVER_VERSION}) on PATH, or point nats.server.download_url ` +
        "(OSAPI_NATS_SERVER_DOWNLOAD_URL) at a mirror serving v<version>/SHA256SUMS and the " +
        "release archives",
      false,
      { cause: e },
    );
  }
}

/**
 * Downloads the release archive and SHA256SUMS into a temp dir beside the cache, verifies the
 * checksum, extracts `nats-server`, checks it runs and reports the version, then renames it
 * into place. On any failure nothing is cached and the temp dir is removed.
 */
async function download(
  config: BinaryConfig,
  opts: BinaryOptions & { cacheRoot: string },
): Promise<ResolvedBinary> {
  const { version } = config;
  const platform = opts.platform ?? releasePlatform();
  const archive = releaseArchiveName(version, platform);
  const archiveUrl = releaseFileUrl(config.download_url, version, archive);
  const sumsUrl = releaseFileUrl(config.download_url, version, "SHA256SUMS");
  const fetchFn = opts.fetch ?? fetch;
  const base = `${opts.cacheRoot}/nats-server`;
  await Deno.mkdir(base, { recursive: true, mode: 0o755 });
  const tmp = await Deno.makeTempDir({ dir: base, prefix: ".download-" });
  try {
    opts.log.info("downloading nats-server", { version, url: redactUrl(archiveUrl) });
    const sums = parseSha256Sums(await fetchText(sumsUrl, fetchFn));
    const expected = sums.get(archive);
    if (!expected) {
      throw new NatsBinaryError(
        `${redactUrl(sumsUrl)} has no entry for ${archive}; refusing to install`,
      );
    }
    const archivePath = `${tmp}/${archive}`;
    await downloadToFile(archiveUrl, archivePath, {
      fetch: fetchFn,
      progress: opts.progress ?? stderrProgress(archive),
    });
    const actual = await sha256File(archivePath);
    if (actual !== expected) {
      throw new NatsBinaryError(
        `checksum mismatch for ${archive} from ${redactUrl(archiveUrl)}: SHA256SUMS says ` +
          `${expected}, the download is ${actual}; refusing to install`,
      );
    }
    const binary = await extractBinary(archivePath, `${tmp}/nats-server`, version, platform);
    const found = await natsServerVersion(binary);
    if (found !== version) {
      throw new NatsBinaryError(`${archive} contains nats-server v${found}, expected v${version}`);
    }
    const dir = `${base}/${version}`;
    await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
    const path = cachedBinaryPath(version, opts.cacheRoot);
    await Deno.rename(binary, path);
    opts.log.info("nats-server installed", { version, path });
    return { path, version, source: "download" };
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Writes the archive's `<base>/nats-server` to `dest` with mode 0755; returns `dest`. */
async function extractBinary(
  archivePath: string,
  dest: string,
  version: string,
  platform: ReleasePlatform,
): Promise<string> {
  const entries = await readTarGz(await Deno.readFile(archivePath));
  const want = `${releaseBaseName(version, platform)}/nats-server`;
  const entry = entries.find((e) => e.type === "file" && e.name === want) ??
    entries.find((e) => e.type === "file" && e.name.split("/").pop() === "nats-server");
  if (!entry) throw new NatsBinaryError(`the archive has no ${want}`);
  await Deno.writeFile(dest, entry.data, { mode: 0o755, createNew: true });
  await Deno.chmod(dest, 0o755);
  return dest;
}
