/** `node.network.route.list`: the routes of this host. */
import { routeList as routeListOp } from "../../core/operations/network_route.ts";
import type { NetworkOptions } from "./network_live.ts";
import { listRoutes, type RouteInfo } from "./network_route_config.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.route.list` provider acting where `opts` says (tests: a namespace). */
export function createRouteList(
  opts: NetworkOptions = {},
): Provider<Record<string, never>, { routes: RouteInfo[] }> {
  return provide(routeListOp, async (_input, ctx) => ({ routes: await listRoutes(opts, ctx) }));
}

export default createRouteList();
