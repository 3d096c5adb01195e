/**
 * A local stand-in for the nats-server GitHub release download site: a Deno.serve HTTP server
 * on 127.0.0.1 serving `/v<version>/<file>`, and release archives built with the system `tar`
 * around a real nats-server binary.
 */
import { createHash } from "node:crypto";
import {
  releaseArchiveName,
  releaseBaseName,
  type ReleasePlatform,
} from "../../src/server/download.ts";

/** A running mirror. Files are keyed by URL path without the leading slash. */
export interface ReleaseMirror {
  /** Base URL to use as `nats.server.download_url`. */
  url: string;
  files: Map<string, Uint8Array>;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a mirror serving `files` (`"v2.14.5/SHA256SUMS" -> bytes`); anything else is 404. */
export function startReleaseMirror(files: Record<string, Uint8Array | string> = {}): ReleaseMirror {
  const map = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) {
    map.set(k, typeof v === "string" ? new TextEncoder().encode(v) : v);
  }
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
    requests.push(path);
    const body = map.get(path);
    if (!body) return new Response("Not Found", { status: 404 });
    return new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/octet-stream" },
    });
  });
  const close = async () => {
    await server.shutdown();
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    files: map,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Lowercase hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A SHA256SUMS file (`<sha256>  <name>` lines) for the given files. */
export function sha256Sums(files: Record<string, Uint8Array>): string {
  return Object.entries(files).map(([name, bytes]) => `${sha256Hex(bytes)}  ${name}\n`).join("");
}

/**
 * Builds `nats-server-v<version>-<os>-<arch>.tar.gz` the way official releases are laid out
 * (`<base>/nats-server`, `<base>/LICENSE`, `<base>/README.md`) with the system `tar`.
 */
export async function buildReleaseArchive(
  version: string,
  platform: ReleasePlatform,
  binaryPath: string,
): Promise<Uint8Array> {
  const tmp = await Deno.makeTempDir({ prefix: "osapi-release-" });
  try {
    const base = releaseBaseName(version, platform);
    await Deno.mkdir(`${tmp}/${base}`);
    await Deno.copyFile(binaryPath, `${tmp}/${base}/nats-server`);
    await Deno.chmod(`${tmp}/${base}/nats-server`, 0o755);
    await Deno.writeTextFile(`${tmp}/${base}/LICENSE`, "Apache License 2.0\n");
    await Deno.writeTextFile(`${tmp}/${base}/README.md`, "# NATS Server\n");
    const out = `${tmp}/${releaseArchiveName(version, platform)}`;
    const r = await new Deno.Command("tar", {
      args: ["-czf", out, "-C", tmp, base],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(`tar failed: ${new TextDecoder().decode(r.stderr)}`);
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** How {@link startNatsRelease} spoils the release, to test refusals. */
export interface ReleaseOptions {
  /** Serve an archive whose bytes differ from the SHA256SUMS entry. */
  tamper?: boolean;
  /** Leave the archive out of SHA256SUMS. */
  omitSum?: boolean;
}

/** A mirror serving one release of a real nats-server binary (good unless told otherwise). */
export async function startNatsRelease(
  version: string,
  platform: ReleasePlatform,
  binaryPath: string,
  opts: ReleaseOptions = {},
): Promise<ReleaseMirror & { archive: string }> {
  const archive = releaseArchiveName(version, platform);
  const bytes = await buildReleaseArchive(version, platform, binaryPath);
  const other = `nats-server-v${version}-windows-amd64.zip`;
  const sums = sha256Sums(
    opts.omitSum
      ? { [other]: new Uint8Array([1]) }
      : { [other]: new Uint8Array([1]), [archive]: bytes },
  );
  const served = opts.tamper ? bytes.slice() : bytes;
  if (opts.tamper) served[served.length - 20] ^= 0xff;
  const mirror = startReleaseMirror({
    [`v${version}/${archive}`]: served,
    [`v${version}/SHA256SUMS`]: sums,
  });
  return Object.assign(mirror, { archive });
}
