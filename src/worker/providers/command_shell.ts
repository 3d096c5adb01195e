/** `command.shell.do`: runs a command line through `/bin/sh -c`. */
import { checkInput, inputSchema } from "./input.ts";
import {
  commandOptionFields,
  type CommandOptions,
  type CommandResult,
  runCommand,
} from "./command_fields.ts";
import type { Provider } from "./types.ts";

const TYPE = "command.shell.do";

/** Longest accepted shell command line, in characters. */
export const MAX_SHELL_COMMAND = 65536;

/** Input of {@link commandShell}. */
export const commandShellInput = inputSchema(
  "Runs a command line through /bin/sh -c (pipes, redirects and variables work).",
  {
    command: {
      type: "string",
      description: 'The full shell command line, e.g. "ls -la /tmp | grep log".',
      minLength: 1,
      maxLength: MAX_SHELL_COMMAND,
    },
    ...commandOptionFields,
  },
  ["command"],
);

/** Checked input of {@link commandShell}. */
export interface CommandShellInput extends CommandOptions {
  command: string;
}

/** Runs `/bin/sh -c <command>`; reports stdout, stderr, exit code, duration. */
export const commandShell: Provider<CommandShellInput, CommandResult> = {
  type: TYPE,
  kind: "modify",
  validate(data) {
    const v = checkInput(TYPE, commandShellInput, data);
    return {
      command: v.command as string,
      cwd: v.cwd as string | undefined,
      env: v.env as Record<string, string> | undefined,
      timeout: v.timeout as number,
    };
  },
  run(input, ctx) {
    return runCommand(["/bin/sh", "-c", input.command], input, ctx);
  },
};
