/**
 * Fetching nats-server release files: release names for this platform, streaming downloads
 * with an optional progress bar, SHA256SUMS parsing and SHA-256 verification.
 */
import { createHash } from "node:crypto";
import { OsapiError } from "../core/errors.ts";

/** A fetch implementation (injectable for tests; defaults to the global fetch). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** A download could not be completed (network error, HTTP error, bad checksum). */
export class DownloadError extends OsapiError {
  constructor(message: string, readonly url: string, options?: ErrorOptions) {
    super("server.download", message, options);
  }
}

/** Release `os` and `arch` names (as in nats-server release file names). */
export interface ReleasePlatform {
  os: "linux" | "darwin";
  arch: "amd64" | "arm64";
}

/** The release platform of this process, or an error naming the unsupported one. */
export function releasePlatform(
  build: { os: string; arch: string } = Deno.build,
): ReleasePlatform {
  const os = build.os === "linux" || build.os === "darwin" ? build.os : undefined;
  const arch = build.arch === "x86_64" ? "amd64" : build.arch === "aarch64" ? "arm64" : undefined;
  if (!os || !arch) {
    throw new DownloadError(
      `no nats-server download for ${build.os}/${build.arch}: supported are linux and darwin on ` +
        "x86_64 and aarch64; set nats.server.binary to a nats-server binary",
      "",
    );
  }
  return { os, arch };
}

/** `nats-server-v<version>-<os>-<arch>`: the archive's base name and its top directory. */
export function releaseBaseName(version: string, platform: ReleasePlatform): string {
  return `nats-server-v${version}-${platform.os}-${platform.arch}`;
}

/** `nats-server-v<version>-<os>-<arch>.tar.gz`. */
export function releaseArchiveName(version: string, platform: ReleasePlatform): string {
  return `${releaseBaseName(version, platform)}.tar.gz`;
}

/** `<download_url>/v<version>/<file>` (trailing slashes on the base are ignored). */
export function releaseFileUrl(downloadUrl: string, version: string, file: string): string {
  return `${downloadUrl.replace(/\/+$/, "")}/v${version}/${file}`;
}

/** A URL safe to print: any user:password part is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//***@");
  }
}

/** Parses `<sha256>  <file name>` lines (sha256sum format) into file name -> lowercase hex. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line.trim());
    if (m) sums.set(m[2].replace(/^\.\//, ""), m[1].toLowerCase());
  }
  return sums;
}

/** SHA-256 of a file as lowercase hex, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk); // closes the file at the end
  return hash.digest("hex");
}

/** Receives download progress. `total` is undefined when the server sent no length. */
export interface Progress {
  update(received: number, total: number | undefined): void;
  done(): void;
}

const MB = 1024 * 1024;

/** A one-line progress bar on a terminal stream, redrawn at most every 100 ms. */
export class ProgressBar implements Progress {
  #last = 0;
  #encoder = new TextEncoder();
  constructor(
    readonly label: string,
    readonly out: { writeSync(p: Uint8Array): number } = Deno.stderr,
    readonly width = 30,
  ) {}

  update(received: number, total: number | undefined): void {
    const now = Date.now();
    if (now - this.#last < 100 && received !== total) return;
    this.#last = now;
    this.#write(`\r${this.render(received, total)}`);
  }

  done(): void {
    this.#write("\n");
  }

  /** The bar text for `received` of `total` bytes. */
  render(received: number, total: number | undefined): string {
    const got = (received / MB).toFixed(1);
    if (!total) return `${this.label} ${got} MB`;
    const ratio = Math.min(1, received / total);
    const filled = Math.round(ratio * this.width);
    return `${this.label} [${"#".repeat(filled)}${" ".repeat(this.width - filled)}] ${
      String(Math.floor(ratio * 100)).padStart(3)
    }% ${got}/${(total / MB).toFixed(1)} MB`;
  }

  #write(s: string): void {
    this.out.writeSync(this.#encoder.encode(s));
  }
}

/** A progress bar on stderr when stderr is a terminal, else nothing. */
export function stderrProgress(label: string): Progress | undefined {
  return Deno.stderr.isTerminal() ? new ProgressBar(label) : undefined;
}

async function get(url: string, fetchFn: FetchFn): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    // no `cause`: the fetch error may name the unredacted URL (credentials of a mirror)
    throw new DownloadError(
      `cannot reach ${redactUrl(url)}: ${(e as Error).message.replace(url, redactUrl(url))}`,
      redactUrl(url),
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new DownloadError(
      `download of ${redactUrl(url)} failed: HTTP ${res.status}${
        res.statusText ? ` ${res.statusText}` : ""
      }`,
      redactUrl(url),
    );
  }
  return res;
}

/** Fetches a small text file (such as SHA256SUMS). */
export async function fetchText(url: string, fetchFn: FetchFn = fetch): Promise<string> {
  const res = await get(url, fetchFn);
  try {
    return await res.text();
  } catch (e) {
    throw new DownloadError(
      `download of ${redactUrl(url)} was interrupted: ${(e as Error).message}`,
      redactUrl(url),
      { cause: e },
    );
  }
}

/** Streams `url` into a new file at `dest`, reporting progress. Returns the byte count. */
export async function downloadToFile(
  url: string,
  dest: string,
  opts: { fetch?: FetchFn; progress?: Progress } = {},
): Promise<number> {
  const res = await get(url, opts.fetch ?? fetch);
  const length = Number(res.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  let received = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      received += chunk.length;
      opts.progress?.update(received, total);
      controller.enqueue(chunk);
    },
  });
  const file = await Deno.open(dest, { write: true, createNew: true, mode: 0o600 });
  try {
    await res.body!.pipeThrough(counter).pipeTo(file.writable);
  } catch (e) {
    throw new DownloadError(
      `download of ${redactUrl(url)} was interrupted: ${(e as Error).message}`,
      redactUrl(url),
      { cause: e },
    );
  } finally {
    opts.progress?.done();
  }
  if (total !== undefined && received !== total) {
    throw new DownloadError(
      `download of ${redactUrl(url)} is incomplete: ${received} of ${total} bytes`,
      redactUrl(url),
    );
  }
  return received;
}
