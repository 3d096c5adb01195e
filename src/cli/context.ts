/** What every command shares: loading the configuration from global flags, the logger, and
 * turning known errors into clear messages and exit codes. */
import type { Command } from "@commander-js/extra-typings";
import { ConfigError, loadConfig, type LoadedConfig } from "../config/load.ts";
import { Logger } from "../log.ts";
import { OsapiError } from "../core/errors.ts";

/** Exit codes: 1 runtime failure, 2 configuration or usage error. */
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

/** An error whose message is for the user as it is, with an exit code. */
export class CliError extends OsapiError {
  constructor(message: string, readonly exitCode = EXIT_FAILURE, options?: ErrorOptions) {
    super("cli.failed", message, options);
  }
}

/** The global options every command inherits. */
export interface GlobalOptions {
  config?: string;
  set?: string[];
}

/** Reads the global options from the root command. */
export function globalOptions(cmd: Command<unknown[], Record<string, unknown>>): GlobalOptions {
  let root = cmd as Command<unknown[], Record<string, unknown>>;
  while (root.parent) root = root.parent as Command<unknown[], Record<string, unknown>>;
  return root.opts() as GlobalOptions;
}

/** Loads the configuration named by the global flags; warnings go to the log. */
export async function loadFromCli(
  cmd: Command<unknown[], Record<string, unknown>>,
): Promise<LoadedConfig & { log: Logger }> {
  const g = globalOptions(cmd);
  const loaded = await loadConfig({ file: g.config, sets: g.set ?? [] });
  const log = new Logger("osapi", loaded.config.log.level, loaded.config.log.format);
  for (const w of loaded.warnings) log.warn(w);
  return { ...loaded, log };
}

/** Prints an error for the user and returns the exit code it deserves. */
export function reportError(e: unknown): number {
  if (e instanceof ConfigError) {
    console.error(`osapi: ${e.message}`);
    return EXIT_CONFIG;
  }
  if (e instanceof CliError) {
    console.error(`osapi: ${e.message}`);
    return e.exitCode;
  }
  const err = e as Error & { code?: string };
  if (err?.code === "commander.helpDisplayed" || err?.code === "commander.version") return 0;
  if (typeof err?.code === "string" && err.code.startsWith("commander.")) return EXIT_CONFIG;
  console.error(`osapi: ${err?.message ?? String(e)}`);
  if (Deno.env.get("OSAPI_DEBUG")) console.error(err?.stack);
  return EXIT_FAILURE;
}
