/** `osapi job worker start`: run the job worker of this host until SIGTERM/SIGINT. */
import type { Command } from "@commander-js/extra-typings";
import { startHostWorker } from "../runtime/components.ts";
import { loadFromCli } from "./context.ts";
import { runUntilSignal } from "./signals.ts";

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
      "connect to NATS (job.worker.nats), ask the supervisor for the worker's consumers, heartbeat into " +
        "the registry and run jobs until SIGTERM/SIGINT (drains in-flight jobs first)",
    )
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      const handle = await startHostWorker(config, log);
      await runUntilSignal((force) => handle.stop({ abort: force }), log);
    });
}
