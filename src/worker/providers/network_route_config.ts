/**
 * Network routes: what the `node.network.route.*` providers share. Routes are read live
 * (`ip -j route`, main table, IPv4 and IPv6); the routes osapi manages for an interface are kept
 * in its Netplan file (see `netplan_config.ts`) and, on the live system (or in the namespace of
 * {@link NetworkOptions}), applied with `ip route replace` / `ip route del`.
 */
import { OperationInputError } from "../../core/job.ts";
import { canonicalIp, isIpv6 } from "../../core/operations/network_interface.ts";
import type { RouteConfigInput } from "../../core/operations/network_route.ts";
import {
  clearManaged,
  editManagedInterface,
  managedInterfaceNames,
  type NetplanRoute,
  readManagedInterface,
  sameConfig,
} from "./netplan_config.ts";
import {
  type IpRunner,
  ipRunner,
  type LiveRoute,
  type NetworkOptions,
  routeDestination,
} from "./network_live.ts";
import type { ProviderContext } from "./types.ts";

/** One route as reported (OSAPI's RouteInfo fields, plus `managed`). */
export interface RouteInfo {
  destination: string;
  gateway?: string;
  interface?: string;
  metric: number;
  scope?: string;
  managed: boolean;
}

/** The kernel's metric of a route added without one. */
const defaultMetric = (to: string) => isIpv6(to) ? 1024 : 0;

const same = (a: string, b: string) =>
  canonicalIp(a).toLowerCase() === canonicalIp(b).toLowerCase();

const sameRoute = (live: RouteInfo, r: NetplanRoute, dev: string) =>
  live.interface === dev && same(live.destination, r.to) && same(live.gateway ?? "", r.via) &&
  live.metric === (r.metric ?? defaultMetric(r.to));

/** The report of live route `r`, given the managed routes by interface. */
export function routeInfo(r: LiveRoute, managed: ReadonlyMap<string, NetplanRoute[]>): RouteInfo {
  const info: RouteInfo = {
    destination: routeDestination(r),
    metric: r.metric ?? 0,
    managed: false,
  };
  if (r.gateway !== undefined) info.gateway = r.gateway;
  if (r.dev !== undefined) info.interface = r.dev;
  info.scope = r.scope ?? "global";
  info.managed = (managed.get(r.dev ?? "") ?? []).some((m) => sameRoute(info, m, r.dev!));
  return info;
}

/** Every live route (main table; unicast only), marked when osapi manages it. */
export async function listRoutes(opts: NetworkOptions, ctx: ProviderContext): Promise<RouteInfo[]> {
  const ip = ipRunner(opts, ctx);
  const managed = new Map<string, NetplanRoute[]>();
  for (const name of await managedInterfaceNames(ctx.root)) {
    managed.set(name, (await readManagedInterface(ctx.root, name)).routes);
  }
  return (await ip.routes())
    .filter((r) => r.type === undefined || r.type === "unicast")
    .map((r) => routeInfo(r, managed));
}

async function requireInterface(ip: IpRunner, name: string): Promise<void> {
  if (!(await ip.links()).some((l) => l.ifname === name)) {
    throw new OperationInputError(`no network interface ${name} on this host`, "interface_name");
  }
}

/** The live routes through interface `name` (which must exist). */
export async function interfaceRoutes(
  name: string,
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<RouteInfo[]> {
  await requireInterface(ipRunner(opts, ctx), name);
  return (await listRoutes(opts, ctx)).filter((r) => r.interface === name);
}

const routeArgs = (r: NetplanRoute, dev: string) => [
  r.to,
  "via",
  r.via,
  "dev",
  dev,
  ...(r.metric !== undefined ? ["metric", String(r.metric)] : []),
];

/** Makes the live routes of `name` go from `before` to `after`. */
async function applyLive(
  ip: IpRunner,
  name: string,
  before: NetplanRoute[],
  after: NetplanRoute[],
  ctx: ProviderContext,
): Promise<void> {
  for (const r of before) {
    if (after.some((a) => sameConfig(a, r))) continue;
    await ip.run(["route", "del", ...routeArgs(r, name)]).catch((e) =>
      ctx.log.debug("route already gone", { to: r.to, error: String(e) })
    );
  }
  for (const r of after) await ip.run(["route", "replace", ...routeArgs(r, name)]);
}

const stripped = (routes: RouteConfigInput["routes"]): NetplanRoute[] =>
  routes.map((r) => ({
    to: r.to,
    via: r.via,
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
  }));

/**
 * Sets the managed routes of `input.interface_name`. `mode` "create" refuses an interface with
 * other managed routes; "update" refuses one without. Applied live at once (when the file
 * changed or a managed route is missing live). Returns whether the host changed.
 */
export async function setRoutes(
  input: RouteConfigInput,
  mode: "create" | "update",
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<boolean> {
  const name = input.interface_name;
  const ip = ipRunner(opts, ctx);
  if (ip.live) await requireInterface(ip, name);
  const wanted = stripped(input.routes);
  const edit = await editManagedInterface(ctx, name, (cur) => {
    if (mode === "update" && cur.routes.length === 0) {
      throw new OperationInputError(
        `osapi manages no routes of network interface ${name} on this host (create them with ` +
          "POST)",
        "interface_name",
      );
    }
    if (mode === "create" && cur.routes.length > 0 && !sameConfig(cur.routes, wanted)) {
      throw new OperationInputError(
        `osapi already manages other routes of network interface ${name}; replace them with ` +
          `PUT /api/node/{hostname}/network/route/${name}`,
        "interface_name",
      );
    }
    return { ...cur, routes: wanted };
  });
  let differs = false;
  if (ip.live) {
    const live = (await listRoutes(opts, ctx)).filter((r) => r.interface === name);
    differs = wanted.some((w) => !live.some((l) => sameRoute(l, w, name)));
    if (edit.wrote || differs) await applyLive(ip, name, edit.before.routes, wanted, ctx);
  }
  const changed = edit.wrote || differs;
  if (changed) ctx.log.info("network routes set", { interface: name, root: ctx.root });
  return changed;
}

/** Stops managing the routes of `name` and removes them live; false when none were managed. */
export async function deleteRoutes(
  name: string,
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<boolean> {
  const ip = ipRunner(opts, ctx);
  const edit = await clearManaged(ctx, name, "routes");
  if (edit.wrote && ip.live) await applyLive(ip, name, edit.before.routes, [], ctx);
  if (edit.wrote) ctx.log.info("network routes removed", { interface: name, root: ctx.root });
  return edit.wrote;
}
