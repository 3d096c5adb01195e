/**
 * A worker in its own process, for tests that kill a worker mid-job. Its `test.block` provider
 * blocks until the job is aborted. Usage: `deno run -A worker_child.ts '<JobConfigOptions+port
 * JSON>'`; prints `ready` on stdout once registered; SIGTERM drains.
 */
import { silent } from "../../src/log.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { blockProvider, jobConfig, type JobConfigOptions, testProviders } from "./jobs.ts";

/** Absolute path of this script. */
export const WORKER_CHILD = new URL(import.meta.url).pathname;

/** Spawns this script as a worker process. */
export function spawnWorkerChild(port: number, opts: JobConfigOptions): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER_CHILD, JSON.stringify({ port, ...opts })],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Waits for the child's `ready` line (then keeps draining its stdout). */
export async function waitReady(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`worker child exited before ready: ${out}`);
    out += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
}

if (import.meta.main) {
  const { port, ...opts } = JSON.parse(Deno.args[0]) as JobConfigOptions & { port: number };
  const worker = await startWorker(jobConfig(port, opts), {
    log: silent,
    providers: testProviders(blockProvider()),
    fetchExpiresMs: 1000,
  });
  Deno.addSignalListener("SIGTERM", () => worker.stop({ abort: true }));
  console.log("ready");
  await worker.stopped;
}
