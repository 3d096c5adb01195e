/**
 * Power actions. On the live system (root "/") and only when the worker's environment has
 * `ALLOW_OSAPI_POWER=1`, runs `shutdown -r|-h -- +<minutes> [message]`. With any other root (tests, a
 * staging tree) nothing is run: the request is written to `<root>/run/osapi/power-request.json`
 * so that what would have run can be checked. On "/" without the guard it fails, saying how to
 * allow it.
 */
import { MIN_POWER_DELAY, type PowerAction, type PowerInput } from "../../core/operations/power.ts";
import { isLiveRoot, rootPath, runTool, writeTextAtomic } from "./root.ts";
import { findOnPath } from "./process.ts";
import type { ProviderContext } from "./types.ts";

/** The environment variable that allows live power actions on a worker. */
export const POWER_GUARD_ENV = "ALLOW_OSAPI_POWER";

/** The `shutdown` command line of a request (whole minutes, rounded up). */
export function shutdownArgv(action: PowerAction, minutes: number, message?: string): string[] {
  return [
    "shutdown",
    action === "reboot" ? "-r" : "-h",
    "--",
    `+${minutes}`,
    ...(message ? [message] : []),
  ];
}

/** Schedules `action` (see the module comment); the result says what was done. */
export async function powerAction(action: PowerAction, input: PowerInput, ctx: ProviderContext) {
  const minutes = Math.ceil((input.delay ?? MIN_POWER_DELAY) / 60);
  const argv = shutdownArgv(action, minutes, input.message);
  const out = {
    action,
    delay: minutes * 60,
    changed: true,
    ...(input.message ? { message: input.message } : {}),
  };
  if (!isLiveRoot(ctx.root)) {
    const path = rootPath(ctx.root, "run/osapi/power-request.json");
    const record = { action, delay: out.delay, message: input.message, argv };
    await writeTextAtomic(path, `${JSON.stringify(record, null, 2)}\n`, 0o600);
    ctx.log.info("power request recorded (not the live system)", { action, root: ctx.root });
    return { ...out, recorded: "/run/osapi/power-request.json" };
  }
  if (Deno.env.get(POWER_GUARD_ENV) !== "1") {
    throw new Error(
      `power actions are disabled on this host: start its worker with ${POWER_GUARD_ENV}=1 ` +
        "to allow them",
    );
  }
  // resolved here so that exactly the program found on the worker's PATH runs
  const program = await findOnPath("shutdown");
  if (!program) throw new Error("shutdown is not installed on this host");
  ctx.signal.throwIfAborted();
  await runTool([program, ...argv.slice(1)], ctx.signal);
  ctx.log.warn("power action scheduled", { action, delay: out.delay });
  return out;
}
