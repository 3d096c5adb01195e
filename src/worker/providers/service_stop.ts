/** `node.service.stop`: `systemctl stop` of one unit. */
import { serviceStop as serviceStopOp } from "../../core/operations/service.ts";
import { serviceAction, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Stops the unit; unchanged when there was nothing to do. */
export const serviceStop = provide(serviceStopOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await serviceAction(input.name, "stop", ctx),
}));

export default serviceStop;
