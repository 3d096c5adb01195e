/** `node.power.shutdown`: powers the host off after a delay (see power_action.ts for the guard). */
import { powerShutdown as powerShutdownOp } from "../../core/operations/power.ts";
import { powerAction } from "./power_action.ts";
import { provide } from "./types.ts";

/** Schedules a shutdown. */
export const powerShutdown = provide(
  powerShutdownOp,
  (input, ctx) => powerAction("shutdown", input, ctx),
);

export default powerShutdown;
