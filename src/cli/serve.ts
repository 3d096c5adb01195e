/**
 * `osapi serve`: everything in one process tree — the supervised nats-server, the auth callout
 * service (when `nats.server.auth.type` is `callout`), the REST API and this host's worker. The
 * composition lives in `src/runtime/serve.ts`; this command handles signals and prints.
 */
import type { Command } from "@commander-js/extra-typings";
import { type ServeParts, startServe, stopServeParts } from "../runtime/serve.ts";
import { loadFromCli } from "./context.ts";
import { asCliError } from "./nats_server.ts";
import { Shutdown } from "./signals.ts";
import { serveHint } from "./hints.ts";

/** Registers `serve`. */
export function registerServe(program: Command): void {
  program.command("serve")
    .description(
      "run everything in one process tree: the supervised nats-server, the REST API and this " +
        "host's worker (plus the auth callout service in callout mode)",
    )
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      const parts: ServeParts = {};
      // Listening before anything starts: a signal during start-up still stops the child.
      using shutdown = new Shutdown(log);
      shutdown.onStop((force) => stopServeParts(parts, force, log));
      try {
        await startServe(config, log, parts, { stopping: () => shutdown.requested });
      } catch (e) {
        throw asCliError(e);
      }
      if (shutdown.requested) {
        // A signal arrived while parts were starting: stop what runs now (stops are idempotent).
        await shutdown.wait();
        await stopServeParts(parts, false, log);
        return;
      }
      if (parts.adminToken?.created) {
        console.error(serveHint(parts.api!.server.url, parts.adminToken.path));
      }
      const gaveUp = parts.supervisor!.done.then(() => undefined, (e: unknown) => e);
      const first = await Promise.race([shutdown.signalled.then(() => undefined), gaveUp]);
      if (first !== undefined) {
        await stopServeParts(parts, true, log);
        throw asCliError(first);
      }
      await shutdown.wait();
    });
}
