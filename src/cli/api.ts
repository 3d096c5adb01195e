/** `osapi api server start`: the REST API, connected to NATS, until SIGTERM/SIGINT. */
import type { Command } from "@commander-js/extra-typings";
import { startApi } from "../runtime/api.ts";
import { loadFromCli } from "./context.ts";
import { runUntilSignal } from "./signals.ts";

/** Registers the `api` command group. */
export function registerApi(program: Command): void {
  const api = program.command("api").description("the REST API");
  const server = api.command("server").description("the API server");
  server.command("start")
    .description(
      "connect to NATS (api.server.nats), ensure streams and buckets, and serve the REST API " +
        "on api.server.host:port until SIGTERM/SIGINT",
    )
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      const service = await startApi(config, log.child("api"));
      await runUntilSignal(() => service.stop(), log);
    });
}
