/**
 * `node.network.route.*`: the routes of a node (read live) and the routes osapi manages per
 * interface, kept in the interface's Netplan file and applied live with `ip route`.
 */
import { z } from "zod";
import { int, str } from "./fields.ts";
import { interfaceName } from "./network.ts";
import { addressBits, isIpv6, networkOperation } from "./network_interface.ts";
import { nodeRoute } from "./node_ops.ts";

const TAG = "Network_Management_API_route_operations";

/**
 * True when `cidr` is a network in CIDR notation whose host bits are zero (`198.51.100.0/24`,
 * `2001:db8:1::/48`), as the kernel takes a route destination.
 */
export function isNetwork(cidr: string): boolean {
  if (!(z.cidrv4().safeParse(cidr).success || z.cidrv6().safeParse(cidr).success)) return false;
  const [ip, len] = cidr.split("/");
  const bits = addressBits(ip);
  if (!bits) return false;
  const host = bits.width - Number(len);
  return host <= 0 || (bits.value & ((1n << BigInt(host)) - 1n)) === 0n;
}

/** One route as reported (live). */
export const RouteInfo = z.looseObject({
  destination: z.string().meta({ description: "destination in CIDR notation" }),
  gateway: z.string().optional(),
  interface: z.string().optional(),
  metric: z.int().optional(),
  scope: z.string().optional(),
  managed: z.boolean().optional().meta({ description: "osapi manages the route" }),
});

/** One route to manage. */
export const RouteItem = z.strictObject({
  to: str({
    description: "Destination network in CIDR notation (host bits zero).",
    minLength: 1,
    maxLength: 49,
    example: "198.51.100.0/24",
  }).refine(isNetwork, {
    error: (iss) =>
      `${JSON.stringify(iss.input)} is not a network in CIDR notation with its host bits zero`,
  }),
  via: str({ description: "Gateway IP address.", minLength: 1, maxLength: 45 }).refine(
    (v) => z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success,
    { error: (iss) => `${JSON.stringify(iss.input)} is not an IP address` },
  ),
  metric: int({ description: "Route metric (priority).", min: 0, max: 4294967295 }).optional(),
}).meta({ id: "RouteItem" });

const routesField = z.array(RouteItem, {
  error: (iss) => iss.input === undefined ? "is required" : "must be an array of routes",
}).min(1, { error: "must have at least 1 route" }).max(64, {
  error: (iss) => `has too many routes (${(iss.input as unknown[]).length}, at most 64)`,
}).meta({ description: "The routes of the interface (replacing those osapi manages)." });

const configInput = (description: string) =>
  z.strictObject({ interface_name: interfaceName, routes: routesField }).meta({ description })
    .check((ctx) => {
      const v = ctx.value;
      const seen = new Set<string>();
      v.routes.forEach((r, i) => {
        const issue = (message: string) =>
          ctx.issues.push({ code: "custom", message, input: v, path: ["routes", i] });
        if (isIpv6(r.to) !== isIpv6(r.via)) issue(`to ${r.to} and via ${r.via} are not one family`);
        const key = `${r.to.toLowerCase()} ${r.metric ?? ""}`;
        if (seen.has(key)) issue(`the route to ${r.to} is given twice`);
        seen.add(key);
      });
    });

const byInterface = (method: "get" | "post" | "put" | "delete", id: string, collection: string) =>
  nodeRoute(method, "network/route/{interfaceName}", id, TAG, collection, {
    params: { interfaceName: "interface_name" },
    ...(method === "post" || method === "put" ? { request: "RouteConfigRequest" } : {}),
  });

const interfaceInput = z.strictObject({ interface_name: interfaceName });
const mutation = z.looseObject({ interface: z.string(), changed: z.boolean() });
const routesResult = z.looseObject({ routes: z.array(RouteInfo) });

/** `node.network.route.list`: every route of the node's main table. */
export const routeList = networkOperation("route", "list", {
  summary: "List network routes",
  input: z.strictObject({}).meta({ description: "No input." }),
  result: routesResult,
  route: nodeRoute("get", "network/route", "GetNodeNetworkRoute", TAG, "RouteListResponse"),
  expand: "routes",
});

/** `node.network.route.get`: the routes through one interface. */
export const routeGet = networkOperation("route", "get", {
  summary: "Get the routes of a network interface",
  input: interfaceInput,
  result: routesResult,
  route: byInterface("get", "GetNodeNetworkRouteByInterface", "RouteGetResponse"),
  expand: "routes",
});

/** `node.network.route.create`: starts managing routes through an interface. */
export const routeCreate = networkOperation("route", "create", {
  summary: "Create the managed routes of a network interface",
  input: configInput(
    "Persists the routes in the interface's Netplan file and adds them; unchanged when the " +
      "same routes are managed (other ones: use PUT).",
  ),
  result: mutation,
  route: byInterface("post", "PostNodeNetworkRoute", "RouteMutationResponse"),
  args: ["interface_name"],
});

/** `node.network.route.update`: replaces the managed routes of an interface. */
export const routeUpdate = networkOperation("route", "update", {
  summary: "Replace the managed routes of a network interface",
  input: configInput("Replaces the managed routes of the interface, live and persisted."),
  result: mutation,
  route: byInterface("put", "PutNodeNetworkRoute", "RouteMutationResponse"),
  args: ["interface_name"],
});

/** `node.network.route.delete`: removes the managed routes of an interface. */
export const routeDelete = networkOperation("route", "delete", {
  summary: "Delete the managed routes of a network interface",
  input: interfaceInput,
  result: mutation,
  route: byInterface("delete", "DeleteNodeNetworkRoute", "RouteMutationResponse"),
});

/** Checked input of the route configuration operations. */
export type RouteConfigInput = z.output<typeof routeCreate.input>;
