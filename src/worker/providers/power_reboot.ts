/** `node.power.reboot`: reboots the host after a delay (see power_action.ts for the guard). */
import { powerReboot as powerRebootOp } from "../../core/operations/power.ts";
import { powerAction } from "./power_action.ts";
import { provide } from "./types.ts";

/** Schedules a reboot. */
export const powerReboot = provide(
  powerRebootOp,
  (input, ctx) => powerAction("reboot", input, ctx),
);

export default powerReboot;
