/** What `command.exec.do` and `command.shell.do` share: running the command and the result. */
import type { CommandOptions } from "../../core/operations/command.ts";
import type { ProviderContext } from "./types.ts";
import { runProcess, type RunResult } from "./process.ts";

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
