/** What `command.exec.do` and `command.shell.do` share: input fields, limits and the result. */
import type { InputField } from "./input.ts";
import type { ProviderContext } from "./types.ts";
import { runProcess, type RunResult } from "./process.ts";

/** Longest accepted path or single argument, in characters. */
export const MAX_ARG_LENGTH = 4096;
/** Timeout bounds and default, in seconds (OSAPI's). */
export const TIMEOUT_MIN_S = 1;
export const TIMEOUT_MAX_S = 300;
export const TIMEOUT_DEFAULT_S = 30;

/** The optional fields of both command providers. */
export const commandOptionFields: Record<string, InputField> = {
  cwd: {
    type: "string",
    description: "Working directory (absolute path; must exist on the host).",
    minLength: 1,
    maxLength: MAX_ARG_LENGTH,
    pattern: "^/",
  },
  env: {
    type: "object",
    description: "Environment variables added to the worker's environment.",
    propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$", maxLength: 128 },
    additionalProperties: { type: "string", maxLength: MAX_ARG_LENGTH },
    maxProperties: 64,
  },
  timeout: {
    type: "integer",
    description: "Timeout in seconds; the command is killed when it expires.",
    minimum: TIMEOUT_MIN_S,
    maximum: TIMEOUT_MAX_S,
    default: TIMEOUT_DEFAULT_S,
  },
};

/** Checked options of a command. */
export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Seconds. */
  timeout: number;
}

/** Output of both command providers: the process result, and `changed: true`. */
export interface CommandResult extends RunResult {
  changed: true;
}

/** Runs `argv` with the options and the job's abort signal. */
export async function runCommand(
  argv: string[],
  opts: CommandOptions,
  ctx: ProviderContext,
): Promise<CommandResult> {
  const r = await runProcess({
    argv,
    cwd: opts.cwd,
    env: opts.env,
    timeoutMs: opts.timeout * 1000,
    signal: ctx.signal,
  });
  return { ...r, changed: true };
}
