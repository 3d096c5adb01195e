/**
 * The osapi under test as real child processes on random loopback ports with a temp data_dir:
 * `osapi serve` (nats-server + API + worker in one process tree) when the CLI has it, else the
 * parts (`osapi nats server start`, `osapi api server start`, `osapi job worker start`).
 */
import { stringify } from "yaml";
import { signToken } from "../../src/api_auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { natsServerBin, waitHttpOk } from "../../tests/helpers/nats_server.ts";
import { runOsapi, spawnOsapi } from "../../tests/helpers/osapi.ts";
import { freePorts } from "../../tests/helpers/ports.ts";
import type { ApiTarget } from "./api_roundtrip.ts";
import { childPids, commandName } from "./rss.ts";

/** How the osapi under test runs. */
export type OsapiMode = "serve" | "parts";

/** One child process of the osapi under test. */
export interface OsapiChild {
  /** `serve`, `nats`, `api` or `worker`. */
  role: string;
  pid: number;
}

/** A running osapi under test. */
export interface OsapiUnderTest {
  mode: OsapiMode;
  api: ApiTarget;
  /** The raw configuration (fleets and clients derive theirs from it). */
  raw: Record<string, unknown>;
  /** A client configuration for the nats-server under test. */
  nats: NatsClientConfig;
  /** Host names of the osapi's own workers (they answer `_all` too). */
  ownWorkers: string[];
  /** The osapi process whose RSS is measured (serve, or the API in parts mode). */
  pid: number;
  children: OsapiChild[];
  /** Process id of the nats-server (serve's child, or the `nats server start` child's). */
  natsServerPid(): Promise<number | undefined>;
  /** Recent output of the children (for error messages). */
  output(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link startOsapi}. */
export interface StartOsapiOptions {
  /** Default: serve when `osapi serve` exists, else parts. */
  mode?: OsapiMode;
  /** Broadcast quiet period (long, so that ending on completion is visible). */
  quietPeriod?: string;
  /** Startup bound (ms). */
  readyTimeoutMs?: number;
}

/** The namespace the bench uses. */
export const BENCH_NAMESPACE = "osapi";
/** The host name of the osapi's own worker. */
export const OWN_WORKER = "bench-own";

/** Whether this osapi's CLI has `serve`. */
export async function hasServe(): Promise<boolean> {
  const r = await runOsapi(["serve", "--help"]);
  return r.code === 0 && r.stdout.includes("osapi serve");
}

/** The raw configuration of a bench run: everything on loopback, random ports, temp data. */
export function benchRawConfig(p: {
  dataDir: string;
  natsBin: string;
  natsPort: number;
  natsHttpPort: number;
  apiPort: number;
  signingKey: string;
  quietPeriod: string;
}): Record<string, unknown> {
  const client = { host: "127.0.0.1", port: p.natsPort, namespace: BENCH_NAMESPACE };
  return {
    data_dir: p.dataDir,
    log: { level: "warn" },
    nats: {
      server: {
        binary: p.natsBin,
        host: "127.0.0.1",
        port: p.natsPort,
        http_port: p.natsHttpPort,
        namespace: BENCH_NAMESPACE,
      },
    },
    api: {
      server: {
        host: "127.0.0.1",
        port: p.apiPort,
        nats: client,
        security: { signing_key: p.signingKey },
        jobs: { quiet_period: p.quietPeriod, timeout: "10s" },
      },
    },
    job: { worker: { nats: client, hostname: OWN_WORKER } },
  };
}

/** Keeps the last `max` characters of a child's stdout and stderr. */
function capture(child: Deno.ChildProcess, sink: { text: string }, max = 8000): Promise<void> {
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) sink.text = (sink.text + decoder.decode(c)).slice(-max);
  };
  return Promise.all([pump(child.stdout), pump(child.stderr)]).then(() => {});
}

/** Waits until the API lists every host in `hosts` as a live worker. */
export async function waitWorkers(
  api: ApiTarget,
  hosts: string[],
  timeoutMs: number,
  present = true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const r = await fetch(`${api.url}/job/workers`, {
      headers: { authorization: `Bearer ${api.token}` },
    }).catch(() => undefined);
    if (r?.ok) {
      const body = await r.json() as { workers: { hostname: string }[] };
      seen = body.workers.map((w) => w.hostname);
      const live = new Set(seen);
      if (hosts.every((h) => live.has(h) === present)) return;
    } else await r?.body?.cancel();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `workers ${present ? "not registered" : "still registered"} after ${timeoutMs} ms ` +
      `(live: ${seen.length})`,
  );
}

/** Starts the osapi under test and waits until its API answers and its worker is live. */
export async function startOsapi(opts: StartOsapiOptions = {}): Promise<OsapiUnderTest> {
  const mode = opts.mode ?? (await hasServe() ? "serve" : "parts");
  const dir = await Deno.makeTempDir({ prefix: "osapi-bench-" });
  const [natsPort, natsHttpPort, apiPort] = freePorts(3);
  const signingKey = crypto.randomUUID() + crypto.randomUUID();
  const raw = benchRawConfig({
    dataDir: `${dir}/data`,
    natsBin: await natsServerBin(),
    natsPort,
    natsHttpPort,
    apiPort,
    signingKey,
    quietPeriod: opts.quietPeriod ?? "2s",
  });
  const config = configFromRaw(raw);
  const configFile = `${dir}/osapi.yaml`;
  await Deno.writeTextFile(configFile, stringify(raw), { mode: 0o600 });
  const out = { text: "" };
  const procs: { role: string; child: Deno.ChildProcess; pumps: Promise<void> }[] = [];
  // Rejects as soon as a child exits during start-up (instead of waiting for the timeout).
  const exited = Promise.withResolvers<never>();
  exited.promise.catch(() => {});
  const spawn = (role: string, args: string[]) => {
    const child = spawnOsapi(["-f", configFile, ...args]);
    procs.push({ role, child, pumps: capture(child, out) });
    child.status.then((s) => exited.reject(new Error(`${role} exited with code ${s.code}`)));
  };
  const ready = (p: Promise<void>) => Promise.race([p, exited.promise]);
  const stop = async () => {
    for (const p of [...procs].reverse()) {
      try {
        p.child.kill("SIGTERM");
      } catch { /* gone */ }
      const killer = setTimeout(() => {
        try {
          p.child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 20_000);
      await p.child.status;
      clearTimeout(killer);
      await p.pumps;
    }
    procs.length = 0;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const api: ApiTarget = {
    url: `http://127.0.0.1:${apiPort}`,
    token: await signToken(signingKey, { subject: "bench@osapi", roles: ["admin"] }),
  };
  const timeout = opts.readyTimeoutMs ?? 90_000;
  try {
    if (mode === "serve") {
      spawn("serve", ["serve"]);
    } else {
      spawn("nats", ["nats", "server", "start"]);
      await ready(
        waitHttpOk(`http://127.0.0.1:${natsHttpPort}/healthz?js-enabled-only=true`, timeout),
      );
      spawn("api", ["api", "server", "start"]);
      await ready(waitHttpOk(`${api.url}/health`, timeout));
      spawn("worker", ["job", "worker", "start"]);
    }
    await ready(waitHttpOk(`${api.url}/health`, timeout));
    await ready(waitWorkers(api, [OWN_WORKER], timeout));
  } catch (e) {
    const text = out.text;
    await stop();
    throw new Error(`osapi (${mode}) did not start: ${(e as Error).message}\n${text}`);
  }
  const measured = procs.find((p) => p.role === "serve" || p.role === "api")!;
  const natsParent = procs.find((p) => p.role === "serve" || p.role === "nats")!;
  return {
    mode,
    api,
    raw,
    nats: config.api.server.nats,
    ownWorkers: [OWN_WORKER],
    pid: measured.child.pid,
    children: procs.map((p) => ({ role: p.role, pid: p.child.pid })),
    natsServerPid: async () => {
      for (const pid of await childPids(natsParent.child.pid)) {
        if ((await commandName(pid)) === "nats-server") return pid;
      }
      return undefined;
    },
    output: () => out.text,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
