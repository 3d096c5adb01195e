/** `osapi systemd unit <component>`. */
import type { Command } from "@commander-js/extra-typings";
import { systemdUnit, UNIT_COMPONENTS, type UnitComponent } from "../deploy/systemd.ts";
import { CliError, EXIT_CONFIG, globalOptions, loadFromCli } from "./context.ts";

/** Registers the `systemd` command group. */
export function registerSystemd(program: Command): void {
  program.command("systemd").description("systemd integration")
    .command("unit")
    .description(`print a hardened systemd unit (${UNIT_COMPONENTS.join(", ")})`)
    .argument("<component>", UNIT_COMPONENTS.join("|"))
    .option("--binary <path>", "absolute path of the osapi binary", "/usr/local/bin/osapi")
    .option("--user <name>", "dedicated system user for the API and nats-server", "osapi")
    .action(async (component, opts, cmd) => {
      if (!(UNIT_COMPONENTS as readonly string[]).includes(component)) {
        throw new CliError(
          `unknown component ${JSON.stringify(component)}; expected one of ${
            UNIT_COMPONENTS.join(", ")
          }`,
          EXIT_CONFIG,
        );
      }
      const { config } = await loadFromCli(cmd);
      const file = globalOptions(cmd).config ?? "/etc/osapi/osapi.yaml";
      const configFile = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
      console.log(
        systemdUnit(component as UnitComponent, config, { ...opts, configFile }),
      );
    });
}
