/** `osapi nats server start` (only the supervised nats-server) and `osapi nats config`. */
import type { Command } from "@commander-js/extra-typings";
import { NatsBinaryError, resolveNatsServer } from "../server/binary.ts";
import { AdminIdentityError } from "../server/admin_identity.ts";
import { checkConfigFile, PreflightError } from "../server/check.ts";
import { RenderError } from "../nats_conf/conf_text.ts";
import { renderNatsConfig, SupervisorError } from "../server/supervisor.ts";
import { startNats } from "../runtime/nats.ts";
import { CliError, EXIT_CONFIG, EXIT_FAILURE, loadFromCli } from "./context.ts";
import { Shutdown } from "./signals.ts";

/** Known errors of the server modules become CLI errors with the right exit code. */
export function asCliError(e: unknown): unknown {
  if (e instanceof NatsBinaryError) {
    return new CliError(e.message, e.configError ? EXIT_CONFIG : EXIT_FAILURE);
  }
  if (e instanceof RenderError || e instanceof AdminIdentityError) {
    return new CliError(e.message, EXIT_CONFIG);
  }
  if (e instanceof PreflightError || e instanceof SupervisorError) {
    return new CliError(e.message, EXIT_FAILURE);
  }
  return e;
}

/** Registers `nats server start` and `nats config` on the `nats` group. */
export function registerNatsServer(nats: Command): void {
  const server = nats.command("server").description("the supervised nats-server");
  server.command("start")
    .description("run only the supervised nats-server until SIGTERM or SIGINT")
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      using shutdown = new Shutdown(log);
      try {
        const sup = await startNats({ config, log });
        shutdown.onStop(() => sup.stop());
        await sup.done;
      } catch (e) {
        throw asCliError(e);
      }
    });

  nats.command("config")
    .description("print the rendered nats-server.conf (secrets only as bcrypt hashes)")
    .option("--check", "also check it with `nats-server -t`", false)
    .action(async (opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      try {
        const { rendered } = await renderNatsConfig(config, log);
        if (opts.check) {
          const binary = await resolveNatsServer(config.nats.server, { log });
          const dir = await Deno.makeTempDir({ prefix: "osapi-nats-config-" });
          try {
            const file = `${dir}/nats-server.conf`;
            await Deno.writeTextFile(file, rendered.text, { mode: 0o600 });
            await checkConfigFile(binary.path, file);
          } finally {
            await Deno.remove(dir, { recursive: true }).catch(() => {});
          }
          log.info("the rendered configuration passes nats-server -t");
        }
        await Deno.stdout.write(new TextEncoder().encode(rendered.text));
      } catch (e) {
        throw asCliError(e);
      }
    });
}
