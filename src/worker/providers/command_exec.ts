/** `command.exec.do`: runs a program with arguments, without a shell. */
import { commandExec as commandExecOp } from "../../core/operations/command.ts";
import { runCommand } from "./command_fields.ts";
import { provide } from "./types.ts";

/**
 * Runs `argv[0]` with the remaining arguments (`argv`, or OSAPI's `command` + `args`); reports
 * stdout, stderr, exit code, duration.
 */
export const commandExec = provide(
  commandExecOp,
  (input, ctx) => runCommand(input.argv ?? [input.command!, ...(input.args ?? [])], input, ctx),
);

export default commandExec;
