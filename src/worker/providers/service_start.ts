/** `node.service.start`: `systemctl start` of one unit. */
import { serviceStart as serviceStartOp } from "../../core/operations/service.ts";
import { serviceAction, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Starts the unit; unchanged when there was nothing to do. */
export const serviceStart = provide(serviceStartOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await serviceAction(input.name, "start", ctx),
}));

export default serviceStart;
