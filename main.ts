/** osapi entry point: builds the command line and runs it. */
import { buildProgram } from "./src/cli/mod.ts";
import { reportError } from "./src/cli/context.ts";

if (import.meta.main) {
  try {
    await buildProgram().parseAsync(Deno.args, { from: "user" });
  } catch (e) {
    Deno.exit(reportError(e));
  }
}
