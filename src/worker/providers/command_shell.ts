/** `command.shell.do`: runs a command line through `/bin/sh -c`. */
import { commandShell as commandShellOp } from "../../core/operations/command.ts";
import { runCommand } from "./command_fields.ts";
import { provide } from "./types.ts";

/** Runs `/bin/sh -c <command>`; reports stdout, stderr, exit code, duration. */
export const commandShell = provide(
  commandShellOp,
  (input, ctx) => runCommand(["/bin/sh", "-c", input.command], input, ctx),
);

export default commandShell;
