/**
 * The broadcast fleet: N workers with distinct host names in ONE process sharing one NATS
 * connection (so 100 workers do not need 100 processes on a small machine).
 *
 * Run as a child: `deno run -A scripts/bench/fleet.ts '<FleetSpec JSON>'`; prints `ready` on
 * stdout once every worker is registered; SIGTERM drains them all and exits.
 */
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { startWorker, type WorkerHandle } from "../../src/worker/worker.ts";

/** What the fleet child starts. */
export interface FleetSpec {
  /** The raw osapi configuration (job.worker.nats points at the server under test). */
  raw: Record<string, unknown>;
  /** Number of workers. */
  count: number;
  /** Host name prefix; workers are `<prefix>-000`, `<prefix>-001`, ... */
  prefix: string;
}

/** The host names of a fleet. */
export function fleetHostnames(spec: Pick<FleetSpec, "count" | "prefix">): string[] {
  return Array.from(
    { length: spec.count },
    (_, i) => `${spec.prefix}-${String(i).padStart(3, "0")}`,
  );
}

/** A running fleet child process. */
export interface Fleet {
  readonly hostnames: string[];
  readonly pid: number;
  /** Drains every worker and waits for the process to exit. */
  stop(): Promise<void>;
}

const SELF = new URL(import.meta.url).pathname;

/** Spawns the fleet child and waits until all its workers are registered. */
export async function spawnFleet(spec: FleetSpec, readyTimeoutMs = 120_000): Promise<Fleet> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, JSON.stringify(spec)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const errText = (async () => {
    let t = "";
    for await (const c of child.stderr) t += decoder.decode(c);
    return t;
  })();
  const reader = child.stdout.getReader();
  const timer = setTimeout(() => child.kill("SIGKILL"), readyTimeoutMs);
  try {
    while (!out.includes("ready\n")) {
      const { value, done } = await reader.read();
      if (done) {
        await child.status;
        throw new Error(`fleet of ${spec.count} exited before ready: ${out}${await errText}`);
      }
      out += decoder.decode(value);
    }
  } finally {
    clearTimeout(timer);
  }
  const drain = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe flowing */ }
  })().catch(() => {});
  let stopped: Promise<void> | undefined;
  return {
    hostnames: fleetHostnames(spec),
    pid: child.pid,
    stop: () =>
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
        const killer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, 30_000);
        await child.status;
        clearTimeout(killer);
        await Promise.all([drain, errText]);
      })(),
  };
}

async function runFleet(spec: FleetSpec): Promise<void> {
  const base = configFromRaw(spec.raw);
  const nc = await connectNats(base.job.worker.nats, silent, { name: "osapi-bench-fleet" });
  const workers: WorkerHandle[] = [];
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop({ abort: true })));
    await nc.drain().catch(() => nc.close());
  };
  const done = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGTERM", () => stop().finally(done.resolve));
  for (const hostname of fleetHostnames(spec)) {
    const raw = structuredClone(spec.raw) as { job?: { worker?: Record<string, unknown> } };
    raw.job = { ...raw.job, worker: { ...raw.job?.worker, hostname } };
    workers.push(await startWorker(configFromRaw(raw), { log: silent, nc, fetchExpiresMs: 1000 }));
  }
  console.log("ready");
  await done.promise;
}

if (import.meta.main) {
  await runFleet(JSON.parse(Deno.args[0]) as FleetSpec);
  Deno.exit(0);
}
