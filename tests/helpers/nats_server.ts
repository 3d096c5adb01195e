/**
 * Real nats-server processes for tests: random loopback ports, a temp store dir, readiness
 * through the monitoring endpoint, and a clean stop.
 */
import { freePorts } from "./ports.ts";

/** Locates the nats-server binary used by tests: $NATS_SERVER_BIN, PATH, then $GOPATH/bin. */
export async function natsServerBin(): Promise<string> {
  const fromEnv = Deno.env.get("NATS_SERVER_BIN");
  if (fromEnv) return fromEnv;
  const candidates: string[] = [];
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir) candidates.push(`${dir}/nats-server`);
  }
  const home = Deno.env.get("HOME") ?? "/root";
  candidates.push(`${Deno.env.get("GOPATH") ?? `${home}/go`}/bin/nats-server`);
  for (const c of candidates) {
    try {
      if ((await Deno.stat(c)).isFile) return c;
    } catch { /* next */ }
  }
  throw new Error("nats-server not found: set NATS_SERVER_BIN or run scripts/ensure_nats.sh");
}

/** A running test nats-server. */
export interface TestNatsServer {
  port: number;
  httpPort: number;
  url: string;
  dir: string;
  configFile: string;
  process: Deno.ChildProcess;
  /** Captured stderr/stdout text so far. */
  output(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link startNatsServer}. */
export interface StartOptions {
  /** Extra nats-server.conf text appended after listen/monitoring/jetstream. */
  config?: string;
  /** Replace the whole config (placeholders {{PORT}}, {{HTTP_PORT}}, {{DIR}} are filled). */
  rawConfig?: string;
  jetstream?: boolean;
  /** Readiness path on the monitoring port. */
  readyPath?: string;
}

/** Waits until `url` answers 200, or throws after `timeoutMs`. */
export async function waitHttpOk(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      await r.body?.cancel();
      if (r.ok) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** Starts a nats-server with JetStream on random ports in a temp dir. */
export async function startNatsServer(opts: StartOptions = {}): Promise<TestNatsServer> {
  const bin = await natsServerBin();
  const [port, httpPort] = freePorts(2);
  const dir = await Deno.makeTempDir({ prefix: "osapi-nats-test-" });
  const fill = (s: string) =>
    s.replaceAll("{{PORT}}", String(port)).replaceAll("{{HTTP_PORT}}", String(httpPort))
      .replaceAll("{{DIR}}", dir);
  const conf = opts.rawConfig !== undefined ? fill(opts.rawConfig) : [
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${httpPort}"`,
    opts.jetstream === false ? "" : `jetstream { store_dir: "${dir}/js" }`,
    fill(opts.config ?? ""),
  ].join("\n");
  const configFile = `${dir}/nats-server.conf`;
  await Deno.writeTextFile(configFile, conf);
  const child = new Deno.Command(bin, {
    args: ["-c", configFile],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += decoder.decode(chunk);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await pumps;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await waitHttpOk(
      `http://127.0.0.1:${httpPort}${
        opts.readyPath ?? (opts.jetstream === false ? "/healthz" : "/healthz?js-enabled-only=true")
      }`,
    );
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${out}`);
  }
  return {
    port,
    httpPort,
    url: `nats://127.0.0.1:${port}`,
    dir,
    configFile,
    process: child,
    output: () => out,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
