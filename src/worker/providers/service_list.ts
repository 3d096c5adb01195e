/** `node.service.list`: the services of this host. */
import { serviceList as serviceListOp } from "../../core/operations/service.ts";
import { listServices } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** Lists the services (systemd's units on the live system, unit files on another root). */
export const serviceList = provide(serviceListOp, async (_input, ctx) => ({
  services: await listServices(ctx),
}));

export default serviceList;
