/** `node.network.route.update`: updates the managed routes of a network interface. */
import {
  type RouteConfigInput,
  routeUpdate as routeUpdateOp,
} from "../../core/operations/network_route.ts";
import type { NetworkOptions } from "./network_live.ts";
import { setRoutes } from "./network_route_config.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.route.update` provider acting where `opts` says (tests: a namespace). */
export function createRouteUpdate(
  opts: NetworkOptions = {},
): Provider<RouteConfigInput, { interface: string; changed: boolean }> {
  return provide(routeUpdateOp, async (input, ctx) => ({
    interface: input.interface_name,
    changed: await setRoutes(input, "update", opts, ctx),
  }));
}

export default createRouteUpdate();
