/** `node.service.enable`: `systemctl enable` of one unit. */
import { serviceEnable as serviceEnableOp } from "../../core/operations/service.ts";
import { serviceAction, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Enables the unit; unchanged when there was nothing to do. */
export const serviceEnable = provide(serviceEnableOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await serviceAction(input.name, "enable", ctx),
}));

export default serviceEnable;
