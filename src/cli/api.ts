/** `osapi api server start`: the REST API, connected to NATS, until SIGTERM/SIGINT. */
import type { Command } from "@commander-js/extra-typings";
import { startApiServer } from "../api/server.ts";
import { createJobClient } from "../job/client.ts";
import { connectNats } from "../nats/connect.ts";
import { ensureResources, routerFor } from "../nats/resources.ts";
import { loadFromCli } from "./context.ts";
import { runUntilSignal } from "./worker.ts";

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
      const apiLog = log.child("api");
      const router = routerFor(config, config.api.server.nats.namespace);
      const nc = await connectNats(config.api.server.nats, apiLog);
      try {
        await ensureResources(nc, config, router, apiLog);
        const jobs = createJobClient(nc, config, router, apiLog);
        const server = await startApiServer({ config, jobs, nc, router, log: apiLog });
        await runUntilSignal(() => server.shutdown(), apiLog);
      } finally {
        await nc.drain().catch(() => nc.close());
      }
    });
}
