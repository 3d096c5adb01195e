/** `osapi config init | validate | show`. */
import type { Command } from "@commander-js/extra-typings";
import { ConfigError, loadConfig } from "../config/load.ts";
import { initYaml, showYaml } from "../config/write.ts";
import { CliError, EXIT_CONFIG, EXIT_FAILURE, globalOptions, loadFromCli } from "./context.ts";

/** Registers the `config` command group. */
export function registerConfig(program: Command): void {
  const config = program.command("config").description("write, check and show configurations");

  config.command("init")
    .description("write a commented default configuration")
    .option("-o, --output <file>", "file to write (default: standard output)")
    .option("--force", "overwrite an existing file")
    .action(async (opts) => {
      const text = initYaml();
      if (!opts.output) {
        await Deno.stdout.write(new TextEncoder().encode(text));
        return;
      }
      try {
        await Deno.writeTextFile(opts.output, text, { createNew: !opts.force, mode: 0o600 });
      } catch (e) {
        if (e instanceof Deno.errors.AlreadyExists) {
          throw new CliError(`${opts.output} exists; use --force to overwrite it`, EXIT_CONFIG, {
            cause: e,
          });
        }
        throw new CliError(`cannot write ${opts.output}: ${(e as Error).message}`, EXIT_FAILURE, {
          cause: e,
        });
      }
      console.error(`wrote ${opts.output}`);
    });

  config.command("validate")
    .description("check a configuration file (and the OSAPI_* environment)")
    .argument("[file]", "file to check (default: --config or the usual places)")
    .action(async (file, _opts, cmd) => {
      const g = globalOptions(cmd);
      const path = file ?? g.config;
      try {
        const loaded = await loadConfig({ file: path, sets: g.set ?? [] });
        for (const w of loaded.warnings) console.error(`warning: ${w}`);
        const what = loaded.source.kind === "file" ? loaded.source.path : "embedded default";
        console.log(`${what}: valid`);
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        throw e;
      }
    });

  config.command("show")
    .description("print the merged configuration, secrets redacted")
    .action(async (_opts, cmd) => {
      const { config } = await loadFromCli(cmd);
      await Deno.stdout.write(new TextEncoder().encode(showYaml(config)));
    });
}
