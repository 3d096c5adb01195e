/** `command.exec.do`: runs a program with arguments, without a shell. */
import { checkInput, inputSchema } from "./input.ts";
import {
  commandOptionFields,
  type CommandOptions,
  type CommandResult,
  MAX_ARG_LENGTH,
  runCommand,
} from "./command_fields.ts";
import { type Provider, ProviderInputError } from "./types.ts";

const TYPE = "command.exec.do";
const MAX_ARGS = 256;

/** Input of {@link commandExec}: the program and its arguments as `argv` or as `command` + `args`. */
export const commandExecInput = inputSchema(
  "Runs a program directly (no shell). Give either argv, or command with optional args.",
  {
    argv: {
      type: "array",
      description: 'Program and arguments, e.g. ["ls", "-la", "/tmp"].',
      items: { type: "string", maxLength: MAX_ARG_LENGTH },
      minItems: 1,
      maxItems: MAX_ARGS,
    },
    command: {
      type: "string",
      description: "The executable name or path (OSAPI's form; with args).",
      minLength: 1,
      maxLength: MAX_ARG_LENGTH,
    },
    args: {
      type: "array",
      description: "Arguments of command.",
      items: { type: "string", maxLength: MAX_ARG_LENGTH },
      maxItems: MAX_ARGS - 1,
    },
    ...commandOptionFields,
  },
);

/** Checked input of {@link commandExec}. */
export interface CommandExecInput extends CommandOptions {
  argv: string[];
}

/** Runs `argv[0]` with the remaining arguments; reports stdout, stderr, exit code, duration. */
export const commandExec: Provider<CommandExecInput, CommandResult> = {
  type: TYPE,
  kind: "modify",
  validate(data) {
    const v = checkInput(TYPE, commandExecInput, data);
    let argv: string[];
    if (v.argv !== undefined) {
      if (v.command !== undefined || v.args !== undefined) {
        throw new ProviderInputError(`${TYPE}: give either argv or command/args, not both`);
      }
      argv = v.argv as string[];
    } else if (v.command !== undefined) {
      argv = [v.command as string, ...((v.args as string[] | undefined) ?? [])];
    } else {
      throw new ProviderInputError(`${TYPE}: missing required field "argv" (or "command")`);
    }
    if (argv[0] === "") throw new ProviderInputError(`${TYPE}: argv[0] must not be empty`);
    return {
      argv,
      cwd: v.cwd as string | undefined,
      env: v.env as Record<string, string> | undefined,
      timeout: v.timeout as number,
    };
  },
  run(input, ctx) {
    return runCommand(input.argv, input, ctx);
  },
};
