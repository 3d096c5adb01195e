/** `node.network.route.delete`: removes the managed routes of a network interface. */
import { routeDelete as routeDeleteOp } from "../../core/operations/network_route.ts";
import type { NetworkOptions } from "./network_live.ts";
import { deleteRoutes } from "./network_route_config.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.route.delete` provider acting where `opts` says (tests: a namespace). */
export function createRouteDelete(
  opts: NetworkOptions = {},
): Provider<{ interface_name: string }, { interface: string; changed: boolean }> {
  return provide(routeDeleteOp, async (input, ctx) => ({
    interface: input.interface_name,
    changed: await deleteRoutes(input.interface_name, opts, ctx),
  }));
}

export default createRouteDelete();
