/** `node.service.get`: one service of this host. */
import { serviceGet as serviceGetOp } from "../../core/operations/service.ts";
import { getService } from "./service_systemd.ts";
import { provide } from "./types.ts";

/** The service given; a unit the host lacks fails on this host. */
export const serviceGet = provide(serviceGetOp, async (input, ctx) => ({
  service: await getService(input.name, ctx),
}));

export default serviceGet;
