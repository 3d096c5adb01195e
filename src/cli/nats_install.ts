/** `osapi nats install`: download and verify nats-server into the cache. */
import type { Command } from "@commander-js/extra-typings";
import { installNatsServer, NatsBinaryError } from "../server/binary.ts";
import { CliError, EXIT_CONFIG, EXIT_FAILURE, loadFromCli } from "./context.ts";

/** Registers `nats install` on the `nats` group. */
export function registerNatsInstall(nats: Command): void {
  nats.command("install")
    .description(
      "download nats-server (nats.server.version) from nats.server.download_url, verify it " +
        "against SHA256SUMS and cache it",
    )
    .option("--force", "download again even when the version is cached", false)
    .action(async (opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      try {
        const r = await installNatsServer(config.nats.server, { log, force: opts.force });
        const how = r.source === "download" ? "downloaded" : "already cached";
        console.log(`nats-server v${r.version} ${r.path} (${how})`);
      } catch (e) {
        if (e instanceof NatsBinaryError) {
          throw new CliError(e.message, e.configError ? EXIT_CONFIG : EXIT_FAILURE, { cause: e });
        }
        throw e;
      }
    });
}
