/** `osapi systemd unit <component>`. */
import { Argument, type Command } from "@commander-js/extra-typings";
import { systemdUnit, UNIT_COMPONENTS } from "../deploy/systemd.ts";
import { globalOptions, loadFromCli } from "./context.ts";

/** Registers the `systemd` command group. */
export function registerSystemd(program: Command): void {
  program.command("systemd").description("systemd integration")
    .command("unit")
    .description(`print a hardened systemd unit (${UNIT_COMPONENTS.join(", ")})`)
    .addArgument(new Argument("<component>", "the component").choices(UNIT_COMPONENTS))
    .option("--binary <path>", "absolute path of the osapi binary", "/usr/local/bin/osapi")
    .option("--user <name>", "dedicated system user for the API and nats-server", "osapi")
    .action(async (component, opts, cmd) => {
      const { config } = await loadFromCli(cmd);
      const file = globalOptions(cmd).config ?? "/etc/osapi/osapi.yaml";
      const configFile = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
      console.log(
        systemdUnit(component, config, { ...opts, configFile }),
      );
    });
}
