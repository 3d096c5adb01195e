/** `osapi job worker start`: run the job worker of this host until SIGTERM/SIGINT. */
import type { Command } from "@commander-js/extra-typings";
import type { Logger } from "../log.ts";
import { startWorker } from "../worker/worker.ts";
import { loadFromCli } from "./context.ts";

/**
 * Resolves once `stop` finished after the first SIGTERM or SIGINT; a second signal calls
 * `stop(true)` (abort in-flight work) instead of waiting.
 */
export async function runUntilSignal(
  stop: (force: boolean) => Promise<void>,
  log: Logger,
): Promise<void> {
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  let count = 0;
  let stopping: Promise<void> | undefined;
  let wake: () => void = () => {};
  const signalled = new Promise<void>((r) => (wake = r));
  const onSignal = () => {
    count++;
    if (count === 1) log.info("shutting down (signal again to abort running jobs)");
    else log.warn("aborting running jobs");
    stopping = stop(count > 1);
    wake();
  };
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    await signalled;
    while (true) {
      const current = stopping;
      await current;
      if (current === stopping) break; // no newer (forced) stop was requested meanwhile
    }
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

/** The `job` command group, created on first use. */
function jobGroup(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === "job");
  return (existing ??
    program.command("job").description("the job system: workers on managed hosts")) as Command;
}

/** Registers `osapi job worker start`. */
export function registerWorker(program: Command): void {
  const worker = jobGroup(program).command("worker").description("the job worker of this host");
  worker.command("start")
    .description(
      "connect to NATS (job.worker.nats), create the worker's consumers, heartbeat into the " +
        "registry and run jobs until SIGTERM/SIGINT (drains in-flight jobs first)",
    )
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      const handle = await startWorker(config, { log });
      await runUntilSignal((force) => handle.stop({ abort: force }), log);
    });
}
