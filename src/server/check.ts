/**
 * Checks before nats-server is spawned, each failing with a clear error: the listen ports are
 * free (client, monitoring, websocket, cluster; the message names the key and port), the
 * JetStream store directory is writable (named), the TLS certificate files are usable (see
 * tls_check.ts), and the rendered file passes `nats-server -t` (its message shown).
 */
import type { Config } from "../config/schema.ts";
import { storeDir } from "../config/state_layout.ts";
import { bindFailure, overrideHint } from "../config/listen_hint.ts";
import { checkServerTls } from "../nats/tls_check.ts";
import { OsapiError } from "../core/errors.ts";

/** A check before start failed; the message says what and how to fix it. */
export class PreflightError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("server.preflight", message, options);
  }
}

/** A port nats-server will listen on, and the key that configures it. */
export interface ListenPort {
  key: string;
  host: string;
  port: number;
}

/** Parses a cluster `listen` value (`host:port`, `[v6]:port`, `:port` or `port`). */
export function parseListen(listen: string): { host: string; port: number } | undefined {
  const text = listen.replace(/^[a-z-]+:\/\//, "").trim();
  if (/^\d+$/.test(text)) return { host: "0.0.0.0", port: Number(text) };
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text);
  if (!m) return undefined;
  const host = m[1].replace(/^\[|\]$/g, "");
  return { host: host === "" ? "0.0.0.0" : host, port: Number(m[2]) };
}

/** The ports the rendered configuration listens on (port 0 is skipped: chosen by the OS). */
export function listenPorts(config: Config): ListenPort[] {
  const s = config.nats.server;
  const ports: ListenPort[] = [{ key: "nats.server.port", host: s.host, port: s.port }];
  if (s.http_port !== 0) {
    ports.push({ key: "nats.server.http_port", host: s.host, port: s.http_port });
  }
  if (s.websocket.port !== 0) {
    ports.push({
      key: "nats.server.websocket.port",
      host: s.websocket.host || s.host,
      port: s.websocket.port,
    });
  }
  if (s.cluster.name !== "") {
    const l = parseListen(s.cluster.listen);
    if (l) ports.push({ key: "nats.server.cluster.listen", ...l });
  }
  return ports.filter((p) => p.port !== 0);
}

/** Fails when a port the server needs is taken or cannot be bound. */
export function checkPortsFree(config: Config): void {
  for (const p of listenPorts(config)) {
    let listener: Deno.Listener | undefined;
    try {
      listener = Deno.listen({ hostname: p.host, port: p.port, transport: "tcp" });
    } catch (e) {
      const why = bindFailure(e, "another nats-server") ??
        `cannot be bound: ${(e as Error).message}`;
      const hint = overrideHint(p.key, p.key.endsWith("listen") ? "<host:port>" : "<port>");
      throw new PreflightError(`${p.key}: port ${p.port} on ${p.host} ${why}; ${hint}`);
    } finally {
      listener?.close();
    }
  }
}

/** Creates the JetStream store directory when missing and checks that it is writable. */
export async function checkStoreDirWritable(config: Config): Promise<void> {
  const dir = storeDir(config);
  const key = config.nats.server.store_dir !== "" ? "nats.server.store_dir" : "data_dir";
  const fail = (e: unknown) =>
    new PreflightError(
      `JetStream store directory ${dir} (${key}) is not writable: ${describe(e)}`,
    );
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fail(e);
  }
  const probe = `${dir}/.osapi-write-check-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(probe, "");
  } catch (e) {
    throw fail(e);
  }
  await Deno.remove(probe).catch(() => {});
}

function describe(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.AlreadyExists) return "a file of that name exists";
  if (e instanceof Deno.errors.NotADirectory) return "a parent is not a directory";
  if (e instanceof Deno.errors.NotFound) return "a parent does not exist";
  const err = e as Error & { code?: string };
  if (err?.code === "EROFS") return "read-only file system";
  return err?.message ?? String(e);
}

/** Runs `nats-server -t -c <file>`; fails with nats-server's own message. */
export async function checkConfigFile(binary: string, file: string): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(binary, {
      args: ["-t", "-c", file],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new PreflightError(`cannot run ${binary} -t: ${(e as Error).message}`, { cause: e });
  }
  if (out.success) return;
  const d = new TextDecoder();
  const message = (d.decode(out.stderr) + d.decode(out.stdout)).trim()
    .split("\n").map((l) => l.replace(/^nats-server: /, "")).join("\n");
  throw new PreflightError(
    `the rendered nats-server configuration ${file} fails \`nats-server -t\`: ${
      message || `exit code ${out.code}`
    }`,
  );
}

/**
 * Every check before a start: ports, store directory, certificates (a {@link PreflightError}
 * naming the key and file), then the rendered file.
 */
export async function preflight(config: Config, binary: string, file: string): Promise<void> {
  checkPortsFree(config);
  await checkStoreDirWritable(config);
  try {
    await checkServerTls(config);
  } catch (e) {
    throw new PreflightError((e as Error).message, { cause: e });
  }
  await checkConfigFile(binary, file);
}
