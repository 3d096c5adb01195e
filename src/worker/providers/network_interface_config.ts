/**
 * Network interfaces: what the `node.network.interface.*` providers share. Interfaces are read
 * live (`ip -j addr`, `ip -j route`) and joined with the configuration osapi manages (see
 * `netplan_config.ts`); a configuration change is written there and, on the live system (or in
 * the namespace of {@link NetworkOptions}), applied with `ip` at once: addresses, MTU, MAC
 * address, default gateways. DHCP and Wake-on-LAN take effect at the next `netplan apply`.
 */
import { OperationInputError } from "../../core/job.ts";
import type { InterfaceConfigInput } from "../../core/operations/network_interface.ts";
import {
  canonicalIp,
  INTERFACE_SETTINGS,
  isIpv6,
} from "../../core/operations/network_interface.ts";
import {
  clearManaged,
  editManagedInterface,
  type InterfaceSettings,
  noSettings,
  readManagedInterface,
  sameConfig,
} from "./netplan_config.ts";
import { type IpRunner, ipRunner, type LiveLink, type LiveRoute } from "./network_live.ts";
import type { NetworkOptions } from "./network_live.ts";
import type { ProviderContext } from "./types.ts";

/** One interface as reported (OSAPI's InterfaceInfo fields, plus `managed`). */
export interface InterfaceInfo {
  name: string;
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  family?: string;
  addresses: string[];
  mac_address?: string;
  mtu?: number;
  state?: string;
  dhcp4?: boolean;
  dhcp6?: boolean;
  gateway4?: string;
  gateway6?: string;
  wakeonlan?: boolean;
  primary: boolean;
  managed: boolean;
}

/** The report of live link `link`, given the live routes and the managed settings. */
export function interfaceInfo(
  link: LiveLink,
  routes: LiveRoute[],
  settings: InterfaceSettings,
): InterfaceInfo {
  const addrs = link.addr_info ?? [];
  const v4 = addrs.filter((a) => a.family === "inet");
  const v6 = addrs.filter((a) => a.family === "inet6");
  const defaults = routes.filter((r) => r.dst === "default" && r.dev === link.ifname);
  const gw = (family: string) => defaults.find((r) => r.family === family && r.gateway)?.gateway;
  const info: InterfaceInfo = {
    name: link.ifname,
    addresses: addrs.map((a) => `${a.local}/${a.prefixlen}`),
    primary: defaults.some((r) => r.family === "inet"),
    managed: !noSettings(settings),
  };
  const set = <K extends keyof InterfaceInfo>(k: K, v: InterfaceInfo[K] | undefined) => {
    if (v !== undefined) info[k] = v;
  };
  set("ipv4", v4[0]?.local);
  set("ipv6", (v6.find((a) => a.scope === "global") ?? v6[0])?.local);
  set(
    "family",
    v4.length && v6.length ? "dual" : v4.length ? "inet" : v6.length ? "inet6" : undefined,
  );
  set("mac", link.address);
  set("mtu", link.mtu);
  set("state", link.operstate?.toLowerCase());
  set("gateway4", gw("inet") ?? settings.gateway4);
  set("gateway6", gw("inet6") ?? settings.gateway6);
  set("dhcp4", settings.dhcp4);
  set("dhcp6", settings.dhcp6);
  set("mac_address", settings.mac_address);
  set("wakeonlan", settings.wakeonlan);
  return info;
}

/** Every live interface of the host, joined with what osapi manages under the root. */
export async function listInterfaces(
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<InterfaceInfo[]> {
  const ip = ipRunner(opts, ctx);
  const [links, routes] = [await ip.links(), await ip.routes()];
  return await Promise.all(
    links.map(async (l) =>
      interfaceInfo(l, routes, (await readManagedInterface(ctx.root, l.ifname)).settings)
    ),
  );
}

const noInterface = (name: string) =>
  new OperationInputError(`no network interface ${name} on this host`, "name");

/** The live interface `name`; throws {@link OperationInputError} when there is none. */
export async function getInterface(
  name: string,
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<InterfaceInfo> {
  const found = (await listInterfaces(opts, ctx)).find((i) => i.name === name);
  if (!found) throw noInterface(name);
  return found;
}

/** Runs `ip args`, ignoring a failure (removing what is already gone). */
async function tryIp(ip: IpRunner, args: string[], ctx: ProviderContext): Promise<void> {
  await ip.run(args).catch((e) =>
    ctx.log.debug("ip command failed (ignored)", { args: args.join(" "), error: String(e) })
  );
}

/** An address in the form `ip` prints it (for comparisons). */
const lower = (a: string) => canonicalIp(a).toLowerCase();

/** Applies `after` live where it differs from `before` (and the live state). */
async function applyLive(
  ip: IpRunner,
  name: string,
  before: InterfaceSettings,
  after: InterfaceSettings,
  ctx: ProviderContext,
): Promise<void> {
  const keep = new Set((after.addresses ?? []).map(lower));
  for (const a of before.addresses ?? []) {
    if (!keep.has(lower(a))) await tryIp(ip, ["addr", "del", a, "dev", name], ctx);
  }
  for (const gw of ["gateway4", "gateway6"] as const) {
    const old = before[gw];
    if (old !== undefined && old !== after[gw]) {
      await tryIp(ip, [
        isIpv6(old) ? "-6" : "-4",
        "route",
        "del",
        "default",
        "via",
        old,
        "dev",
        name,
      ], ctx);
    }
  }
  if (noSettings(after)) return;
  if (after.mac_address !== undefined) {
    await ip.run(["link", "set", "dev", name, "address", after.mac_address]);
  }
  if (after.mtu !== undefined) await ip.run(["link", "set", "dev", name, "mtu", String(after.mtu)]);
  await ip.run(["link", "set", "dev", name, "up"]);
  for (const a of after.addresses ?? []) await ip.run(["addr", "replace", a, "dev", name]);
  for (const gw of [after.gateway4, after.gateway6]) {
    if (gw !== undefined) await ip.run(["route", "replace", "default", "via", gw, "dev", name]);
  }
}

/** True when the live interface lacks something of `s` (an address, the MTU, a gateway). */
function liveDiffers(info: InterfaceInfo, s: InterfaceSettings): boolean {
  const have = new Set(info.addresses.map(lower));
  return (s.addresses ?? []).some((a) => !have.has(lower(a))) ||
    (s.mtu !== undefined && info.mtu !== s.mtu) ||
    (s.mac_address !== undefined && lower(info.mac ?? "") !== lower(s.mac_address)) ||
    (s.gateway4 !== undefined && info.gateway4 !== s.gateway4) ||
    (s.gateway6 !== undefined && lower(info.gateway6 ?? "") !== lower(s.gateway6));
}

const settingsOf = (input: Partial<InterfaceConfigInput>): InterfaceSettings =>
  Object.fromEntries(
    INTERFACE_SETTINGS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]),
  ) as InterfaceSettings;

/**
 * Sets the managed configuration of `input.name`. `mode` "create" refuses an interface managed
 * with other settings; "update" refuses one not managed and keeps the settings left out. On the
 * live system the interface must exist, and the change is applied at once. Returns whether the
 * host changed.
 */
export async function setInterfaceConfig(
  input: InterfaceConfigInput,
  mode: "create" | "update",
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<boolean> {
  const name = input.name;
  const ip = ipRunner(opts, ctx);
  const live = ip.live ? await getInterface(name, opts, ctx) : undefined;
  const wanted = settingsOf(input);
  const edit = await editManagedInterface(ctx, name, (cur) => {
    const managed = !noSettings(cur.settings);
    if (mode === "update" && !managed) {
      throw new OperationInputError(
        `network interface ${name} is not managed by osapi on this host (create it with POST)`,
        "name",
      );
    }
    const settings = mode === "update" ? { ...cur.settings, ...wanted } : wanted;
    if (mode === "create" && managed && !sameConfig(cur.settings, settings)) {
      throw new OperationInputError(
        `network interface ${name} is already managed with other settings; change them with ` +
          `PUT /api/node/{hostname}/network/interface/${name}`,
        "name",
      );
    }
    return { ...cur, settings };
  });
  const after = edit.after.settings;
  const differs = live !== undefined && liveDiffers(live, after);
  if (live !== undefined && (edit.wrote || differs)) {
    await applyLive(ip, name, edit.before.settings, after, ctx);
  }
  const changed = edit.wrote || differs;
  if (changed) ctx.log.info("network interface configured", { name, root: ctx.root });
  return changed;
}

/**
 * Stops managing the configuration of `name` (its routes stay managed); live, the managed
 * addresses and gateways are removed from it. False when it was not managed.
 */
export async function deleteInterfaceConfig(
  name: string,
  opts: NetworkOptions,
  ctx: ProviderContext,
): Promise<boolean> {
  const ip = ipRunner(opts, ctx);
  const edit = await clearManaged(ctx, name, "settings");
  if (edit.wrote && ip.live) await applyLive(ip, name, edit.before.settings, {}, ctx);
  if (edit.wrote) ctx.log.info("network interface configuration removed", { name, root: ctx.root });
  return edit.wrote;
}
