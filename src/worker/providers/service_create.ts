/** `node.service.create`: writes a unit file osapi manages under /etc/systemd/system. */
import { serviceCreate as serviceCreateOp } from "../../core/operations/service.ts";
import { unitName, writeUnit } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Writes the unit file; unchanged when it holds this text already. */
export const serviceCreate = provide(serviceCreateOp, async (input, ctx) => ({
  name: unitName(input.name),
  changed: await writeUnit(input.name, input, "create", ctx),
}));

export default serviceCreate;
