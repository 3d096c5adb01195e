/** `node.service.delete`: removes a unit file osapi manages. */
import { serviceDelete as serviceDeleteOp } from "../../core/operations/service.ts";
import { deleteUnit, unitName } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Disables and deletes the unit file; unchanged when there is none. */
export const serviceDelete = provide(serviceDeleteOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await deleteUnit(input.name, ctx),
}));

export default serviceDelete;
