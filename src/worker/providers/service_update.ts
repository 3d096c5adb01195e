/** `node.service.update`: writes a unit file osapi manages under /etc/systemd/system. */
import { serviceUpdate as serviceUpdateOp } from "../../core/operations/service.ts";
import { unitName, writeUnit } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Writes the unit file; unchanged when it holds this text already. */
export const serviceUpdate = provide(serviceUpdateOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await writeUnit(input.name, input, "update", ctx),
}));

export default serviceUpdate;
