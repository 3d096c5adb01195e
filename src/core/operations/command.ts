/** `command.*`: run a program or a shell command line on the target hosts. */
import { z } from "zod";
import { defineOperation, type RouteDef } from "./define.ts";
import { int, str, strList, strMap } from "./fields.ts";

/** Longest accepted path or single command argument, in characters. */
export const MAX_ARG_LENGTH = 4096;
/** Most program arguments of `command.exec.do` (argv, program included). */
export const MAX_ARGS = 256;
/** Longest accepted shell command line, in characters. */
export const MAX_SHELL_COMMAND = 65536;
/** Command timeout bounds and default, in seconds (OSAPI's). */
export const TIMEOUT_MIN_S = 1;
export const TIMEOUT_MAX_S = 300;
export const TIMEOUT_DEFAULT_S = 30;

const arg = str({ maxLength: MAX_ARG_LENGTH });

/** The optional fields of both command operations. */
const options = {
  cwd: str({
    description: "Working directory (absolute path; must exist on the host).",
    minLength: 1,
    maxLength: MAX_ARG_LENGTH,
    pattern: /^\//,
    hint: "an absolute path",
  }).optional(),
  env: strMap(
    str({ maxLength: 128, minLength: 1, pattern: /^[A-Za-z_][A-Za-z0-9_]*$/ }),
    str({ maxLength: MAX_ARG_LENGTH }),
    {
      description: "Environment variables added to the worker's environment. " +
        "Names match ^[A-Za-z_][A-Za-z0-9_]*$ (at most 128 characters).",
      maxProperties: 64,
    },
  ).optional(),
  timeout: int({
    description: "Timeout in seconds; the command is killed when it expires.",
    min: TIMEOUT_MIN_S,
    max: TIMEOUT_MAX_S,
  }).default(TIMEOUT_DEFAULT_S),
};

/** One host's command output. */
const CommandResult = z.looseObject({
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  exit_code: z.int().optional(),
  duration_ms: z.number().optional().meta({ description: "run time in milliseconds" }),
  stdout_truncated: z.boolean().optional().meta({
    description: "stdout was longer than the worker's cap and was cut",
  }),
  stderr_truncated: z.boolean().optional().meta({
    description: "stderr was longer than the worker's cap and was cut",
  }),
});

/** `POST /command/<name>` and OSAPI's current `POST /api/node/{hostname}/command/<name>`. */
const routes = (name: string, title: string): RouteDef[] => [{
  method: "post",
  path: `/command/${name}`,
  operationId: `PostCommand${title}`,
  tags: ["Command"],
  collection: "CommandResultCollection",
  request: `Command${title}Request`,
}, {
  method: "post",
  path: `/api/node/{hostname}/command/${name}`,
  operationId: `PostNodeCommand${title}`,
  tags: ["Command_Execution_API_command_operations"],
  collection: "CommandResultCollectionResponse",
}];

/** `command.exec.do`: runs a program with arguments, without a shell. */
export const commandExec = defineOperation({
  type: "command.exec.do",
  kind: "modify",
  permission: "command:execute",
  summary: "Run a program with arguments, without a shell",
  input: z.strictObject({
    argv: strList(arg, {
      description: 'Program and arguments, e.g. ["ls", "-la", "/tmp"].',
      minItems: 1,
      maxItems: MAX_ARGS,
    }).optional(),
    command: str({
      description: "The executable name or path (OSAPI's form; with args).",
      minLength: 1,
      maxLength: MAX_ARG_LENGTH,
    }).optional(),
    args: strList(arg, { description: "Arguments of command.", maxItems: MAX_ARGS - 1 })
      .optional(),
    ...options,
  }).meta({
    description:
      "Runs a program directly (no shell). Give either argv, or command with optional args.",
  }).check((ctx) => {
    const v = ctx.value;
    const issue = (message: string, path: (string | number)[]) =>
      ctx.issues.push({ code: "custom", message, path, input: v });
    if (v.argv !== undefined) {
      if (v.command !== undefined || v.args !== undefined) {
        issue("give either argv or command/args, not both", []);
      } else if (v.argv[0] === "") issue("must not be empty", ["argv", 0]);
    } else if (v.command === undefined) {
      issue('missing required field "argv" (or "command")', []);
    }
  }),
  result: CommandResult,
  routes: routes("exec", "Exec"),
  cli: {
    command: ["system", "exec"],
    args: ["argv"],
    output: "command",
  },
  provider: "command_exec",
});

/** `command.shell.do`: runs a command line through `/bin/sh -c`. */
export const commandShell = defineOperation({
  type: "command.shell.do",
  kind: "modify",
  permission: "command:execute",
  summary: "Run a command line through /bin/sh -c",
  input: z.strictObject({
    command: str({
      description: 'The full shell command line, e.g. "ls -la /tmp | grep log".',
      minLength: 1,
      maxLength: MAX_SHELL_COMMAND,
    }),
    ...options,
  }).meta({
    description: "Runs a command line through /bin/sh -c (pipes, redirects and variables work).",
  }),
  result: CommandResult,
  routes: routes("shell", "Shell"),
  cli: { command: ["system", "shell"], args: ["command"], output: "command" },
  provider: "command_shell",
});

/** The checked options of a command (what both command providers take). */
export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Seconds. */
  timeout: number;
}
