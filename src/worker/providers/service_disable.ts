/** `node.service.disable`: `systemctl disable` of one unit. */
import { serviceDisable as serviceDisableOp } from "../../core/operations/service.ts";
import { serviceAction, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Disables the unit; unchanged when there was nothing to do. */
export const serviceDisable = provide(serviceDisableOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await serviceAction(input.name, "disable", ctx),
}));

export default serviceDisable;
