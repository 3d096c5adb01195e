/** The osapi command line: global flags and every command group. */
import { Command } from "@commander-js/extra-typings";
import { VERSION } from "../version.ts";
import { registerConfig } from "./config.ts";
import { registerServe } from "./serve.ts";
import { registerNats } from "./nats.ts";
import { registerWorker } from "./worker.ts";
import { registerApi } from "./api.ts";
import { registerToken } from "./token.ts";
import { registerClient } from "./client.ts";
import { registerSystemd } from "./systemd.ts";
import { registerCompletion } from "./completion.ts";
import type { OperationTable } from "../core/operations/mod.ts";

/**
 * Builds the osapi program (commands parse, call into src/*, print); `operations` replaces the
 * shipped operation table (tests add their own operations).
 */
export function buildProgram(opts: { operations?: OperationTable } = {}): Command {
  const program = new Command("osapi")
    .description("Linux hosts as appliances managed over a REST API, with NATS JetStream")
    .option(
      "-f, --config <file>",
      "configuration file (default: ./osapi.yaml, /etc/osapi/osapi.yaml, embedded)",
    )
    .option(
      "--set <key=value>",
      "override a configuration key (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .exitOverride()
    .showHelpAfterError();
  registerServe(program as unknown as Command);
  program.command("version").description("print the version").action(() => {
    console.log(`osapi ${VERSION}`);
  });
  registerConfig(program as unknown as Command);
  registerSystemd(program as unknown as Command);
  registerCompletion(program as unknown as Command);
  registerWorker(program as unknown as Command);
  registerApi(program as unknown as Command);
  registerToken(program as unknown as Command);
  registerClient(program as unknown as Command, opts.operations);
  registerNats(program as unknown as Command);
  return program as unknown as Command;
}
