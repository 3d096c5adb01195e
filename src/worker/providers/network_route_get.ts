/** `node.network.route.get`: the routes through one network interface of this host. */
import { routeGet as routeGetOp } from "../../core/operations/network_route.ts";
import type { NetworkOptions } from "./network_live.ts";
import { interfaceRoutes, type RouteInfo } from "./network_route_config.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.route.get` provider acting where `opts` says (tests: a namespace). */
export function createRouteGet(
  opts: NetworkOptions = {},
): Provider<{ interface_name: string }, { routes: RouteInfo[] }> {
  return provide(routeGetOp, async (input, ctx) => ({
    routes: await interfaceRoutes(input.interface_name, opts, ctx),
  }));
}

export default createRouteGet();
