/** `command.exec.do`: runs a program with arguments, without a shell. */
import { commandExecOp } from "../../job/operations.ts";
import { runCommand } from "./command_fields.ts";
import { provide } from "./types.ts";

/** Runs `argv[0]` with the remaining arguments; reports stdout, stderr, exit code, duration. */
export const commandExec = provide(
  commandExecOp,
  (input, ctx) => runCommand(input.argv, input, ctx),
);
