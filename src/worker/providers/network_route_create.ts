/** `node.network.route.create`: creates the managed routes of a network interface. */
import {
  type RouteConfigInput,
  routeCreate as routeCreateOp,
} from "../../core/operations/network_route.ts";
import type { NetworkOptions } from "./network_live.ts";
import { setRoutes } from "./network_route_config.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.route.create` provider acting where `opts` says (tests: a namespace). */
export function createRouteCreate(
  opts: NetworkOptions = {},
): Provider<RouteConfigInput, { interface: string; changed: boolean }> {
  return provide(routeCreateOp, async (input, ctx) => ({
    interface: input.interface_name,
    changed: await setRoutes(input, "create", opts, ctx),
  }));
}

export default createRouteCreate();
