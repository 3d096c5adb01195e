/** `osapi nats callout start | config`: osapi as the NATS auth callout service. */
import { Shutdown } from "./signals.ts";
import type { Command } from "@commander-js/extra-typings";
import { calloutConfigFragment, ensureCalloutKeys } from "../nats_auth/callout_service.ts";
import { startCallout } from "../runtime/components.ts";
import { loadFromCli } from "./context.ts";
import { collect, guarded } from "./nats_security.ts";

/** Registers `nats callout` on the `nats` group. */
export function registerNatsCallout(nats: Command): void {
  const callout = nats.command("callout").description("the NATS auth callout service");

  callout.command("start")
    .description(
      "answer $SYS.REQ.USER.AUTH: accept osapi API tokens (as the NATS token) and the " +
        "configured users, until SIGTERM or SIGINT",
    )
    .option("--server-name <name>", "only answer this server (repeatable)", collect)
    .action((opts, cmd) =>
      guarded(async () => {
        const { config, log } = await loadFromCli(cmd);
        using shutdown = new Shutdown(log);
        const svc = await startCallout(config, log, { servers: opts.serverName });
        shutdown.onStop(() => svc.stop());
        await shutdown.wait();
        log.info("auth callout stopped", { ...svc.stats });
      })
    );

  callout.command("config")
    .description("print the server configuration fragment for callout mode (keys generated once)")
    .action((_opts, cmd) =>
      guarded(async () => {
        const { config, log } = await loadFromCli(cmd);
        const text = await calloutConfigFragment(config, {
          keys: await ensureCalloutKeys(config, log),
        });
        await Deno.stdout.write(new TextEncoder().encode(text));
      })
    );
}
