/** A real `osapi serve` child process on random loopback ports with its own data directory. */
import { natsServerBin, waitHttpOk } from "./nats_server.ts";
import { freePorts } from "./ports.ts";
import { spawnOsapi } from "./osapi.ts";

/** A running `osapi serve`. */
export interface ServeProcess {
  child: Deno.ChildProcess;
  dataDir: string;
  apiUrl: string;
  natsPort: number;
  monitorUrl: string;
  /** Environment that points the CLI at this instance (ports, data dir, binary). */
  env: Record<string, string>;
  /** Output captured so far. */
  output(): string;
  /** Pid of the current nats-server child (from /proc). */
  natsPid(): Promise<number | undefined>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Pids of processes whose command line contains `needle`. */
export async function pidsWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).replaceAll("\0", " ");
      if (cmd.includes(needle)) pids.push(Number(e.name));
    } catch { /* gone */ }
  }
  return pids;
}

/** The environment of a `serve` with state under `dir` on the given NATS, monitor, API ports. */
export async function serveEnv(
  dir: string,
  [natsPort, httpPort, apiPort]: number[],
): Promise<Record<string, string>> {
  return {
    XDG_DATA_HOME: `${dir}/data`,
    XDG_CACHE_HOME: `${dir}/cache`,
    OSAPI_NATS_SERVER_BINARY: await natsServerBin(),
    OSAPI_NATS_SERVER_PORT: String(natsPort),
    OSAPI_NATS_SERVER_HTTP_PORT: String(httpPort),
    OSAPI_API_SERVER_PORT: String(apiPort),
  };
}

/** Where a restarted `serve` finds its predecessor's state and ports. */
export interface ServeState {
  dir: string;
  ports: [number, number, number];
}

/**
 * Starts `osapi serve` with no configuration file: environment overrides only. With `state`,
 * a previous instance's directory and ports are reused (a restart); the directory is then left
 * for the caller to remove.
 */
export async function startServe(
  extraEnv: Record<string, string> = {},
  state?: ServeState,
): Promise<ServeProcess & { state: ServeState }> {
  const dir = state?.dir ?? await Deno.makeTempDir({ prefix: "osapi-serve-test-" });
  const [natsPort, httpPort, apiPort] = state?.ports ?? freePorts(3);
  const env: Record<string, string> = {
    ...await serveEnv(dir, [natsPort, httpPort, apiPort]),
    OSAPI_API_CLIENT_URL: `http://127.0.0.1:${apiPort}`,
    ...extraEnv,
  };
  const child = spawnOsapi(["serve"], { env, cwd: dir });
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += decoder.decode(c, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const dataDir = `${dir}/data/osapi`;
  const confNeedle = `${dataDir}/nats/nats-server.conf`;
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
    }
    const s = await status;
    await pumps;
    return s.code;
  };
  const dispose = async () => {
    await stop();
    for (const pid of await pidsWith(confNeedle)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    if (!state) await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  try {
    await waitHttpOk(`${apiUrl}/health/ready`, 60_000);
    const deadline = Date.now() + 30_000;
    while (!out.includes("osapi is ready")) {
      if (exited || Date.now() > deadline) throw new Error("serve did not report ready");
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await dispose();
    throw new Error(`${(e as Error).message}\n${out}`);
  }
  return {
    state: { dir, ports: [natsPort, httpPort, apiPort] },
    child,
    dataDir,
    apiUrl,
    natsPort,
    monitorUrl: `http://127.0.0.1:${httpPort}`,
    env,
    output: () => out,
    natsPid: async () => (await pidsWith(confNeedle))[0],
    stop,
    [Symbol.asyncDispose]: dispose,
  };
}
