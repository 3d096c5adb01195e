/** `node.service.restart`: `systemctl restart` of one unit. */
import { serviceRestart as serviceRestartOp } from "../../core/operations/service.ts";
import { serviceAction, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Restarts the unit; unchanged when there was nothing to do. */
export const serviceRestart = provide(serviceRestartOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await serviceAction(input.name, "restart", ctx),
}));

export default serviceRestart;
