/**
 * The network configuration osapi manages: one Netplan file per interface,
 * `<root>/etc/netplan/90-osapi-<name>.yaml` (mode 0600, as netplan wants), holding the
 * interface's settings and its routes (default gateways are `to: default` routes). Netplan is
 * the configuration layer of Ubuntu and renders for systemd-networkd or NetworkManager alike;
 * OSAPI manages Netplan files too.
 */
import { parse, stringify } from "yaml";
import type { InterfaceConfigInput } from "../../core/operations/network_interface.ts";
import { isIpv6 } from "../../core/operations/network_interface.ts";
import { findOnPath } from "./process.ts";
import {
  isLiveRoot,
  readTextIfExists,
  removeIfExists,
  rootPath,
  runTool,
  serialized,
  writeTextAtomic,
} from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** The directory of the managed files, relative to the root. */
export const NETPLAN_DIR = "etc/netplan";

/** The managed file of interface `name`, relative to the root. */
export const netplanFile = (name: string): string => `${NETPLAN_DIR}/90-osapi-${name}.yaml`;

const HEADER = "# Managed by osapi (its network API); changes made here may be overwritten.\n";

/** A managed route. */
export interface NetplanRoute {
  to: string;
  via: string;
  metric?: number;
}

/** The managed settings of an interface (OSAPI's field names). */
export type InterfaceSettings = Partial<Omit<InterfaceConfigInput, "name">>;

/** What osapi manages for one interface. */
export interface ManagedInterface {
  settings: InterfaceSettings;
  routes: NetplanRoute[];
}

type Json = Record<string, unknown>;

/** The managed file's text for interface `name`. */
export function renderNetplan(name: string, m: ManagedInterface): string {
  const s = m.settings;
  const eth: Json = {};
  if (s.dhcp4 !== undefined) eth.dhcp4 = s.dhcp4;
  if (s.dhcp6 !== undefined) eth.dhcp6 = s.dhcp6;
  if (s.addresses !== undefined) eth.addresses = s.addresses;
  if (s.mtu !== undefined) eth.mtu = s.mtu;
  if (s.mac_address !== undefined) eth.macaddress = s.mac_address;
  if (s.wakeonlan !== undefined) eth.wakeonlan = s.wakeonlan;
  const routes: Json[] = [];
  if (s.gateway4 !== undefined) routes.push({ to: "default", via: s.gateway4 });
  if (s.gateway6 !== undefined) routes.push({ to: "default", via: s.gateway6 });
  for (const r of m.routes) routes.push({ ...r });
  if (routes.length > 0) eth.routes = routes;
  return HEADER + stringify({ network: { version: 2, ethernets: { [name]: eth } } });
}

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What a managed file's text holds for interface `name` (unknown keys are ignored). */
export function parseNetplan(name: string, text: string): ManagedInterface {
  const doc = parse(text) as unknown;
  const network = isObject(doc) ? doc.network : undefined;
  const ethernets = isObject(network) ? network.ethernets : undefined;
  const eth = isObject(ethernets) && isObject(ethernets[name]) ? ethernets[name] as Json : {};
  const settings: InterfaceSettings = {};
  if (typeof eth.dhcp4 === "boolean") settings.dhcp4 = eth.dhcp4;
  if (typeof eth.dhcp6 === "boolean") settings.dhcp6 = eth.dhcp6;
  if (Array.isArray(eth.addresses)) settings.addresses = eth.addresses.map(String);
  if (typeof eth.mtu === "number") settings.mtu = eth.mtu;
  if (typeof eth.macaddress === "string") settings.mac_address = eth.macaddress;
  if (typeof eth.wakeonlan === "boolean") settings.wakeonlan = eth.wakeonlan;
  const routes: NetplanRoute[] = [];
  for (const r of Array.isArray(eth.routes) ? eth.routes : []) {
    if (!isObject(r) || typeof r.to !== "string" || typeof r.via !== "string") continue;
    if (r.to === "default") {
      if (isIpv6(r.via)) settings.gateway6 = r.via;
      else settings.gateway4 = r.via;
      continue;
    }
    routes.push({
      to: r.to,
      via: r.via,
      ...(typeof r.metric === "number" ? { metric: r.metric } : {}),
    });
  }
  return { settings, routes };
}

/** True when `s` holds no setting. */
export const noSettings = (s: InterfaceSettings): boolean =>
  Object.values(s).every((v) => v === undefined);

/** True when two values are the same (settings, route lists), keys in any order. */
export function sameConfig(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : isObject(v)
      ? Object.fromEntries(
        Object.entries(v).filter(([, x]) => x !== undefined).sort(([x], [y]) => x.localeCompare(y))
          .map(([k, x]) => [k, canon(x)]),
      )
      : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/** What osapi manages for interface `name` on the host whose root is `root`. */
export async function readManagedInterface(root: string, name: string): Promise<ManagedInterface> {
  const text = await readTextIfExists(rootPath(root, netplanFile(name)));
  return text === undefined ? { settings: {}, routes: [] } : parseNetplan(name, text);
}

/** The names of the interfaces osapi manages under `root`. */
export async function managedInterfaceNames(root: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(rootPath(root, NETPLAN_DIR))) {
      const m = /^90-osapi-(.+)\.yaml$/.exec(e.name);
      if (m && e.isFile) names.push(m[1]);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/** The file's content before and after an edit, and whether it was written. */
export interface NetplanEdit {
  before: ManagedInterface;
  after: ManagedInterface;
  wrote: boolean;
}

/**
 * Changes what osapi manages for `name` with `edit` (serialised per file; `undefined` keeps it):
 * the file is rewritten, or removed when nothing is left. On the live system `netplan generate`
 * then checks and renders it when netplan is installed.
 */
export async function editManagedInterface(
  ctx: ProviderContext,
  name: string,
  edit: (current: ManagedInterface) => ManagedInterface | undefined,
): Promise<NetplanEdit> {
  const file = rootPath(ctx.root, netplanFile(name));
  return await serialized(file, async () => {
    const before = await readManagedInterface(ctx.root, name);
    const after = edit(before);
    if (!after || sameConfig(after, before)) return { before, after: before, wrote: false };
    ctx.signal.throwIfAborted();
    if (noSettings(after.settings) && after.routes.length === 0) await removeIfExists(file);
    else await writeTextAtomic(file, renderNetplan(name, after), 0o600);
    if (isLiveRoot(ctx.root)) {
      const netplan = await findOnPath("netplan");
      if (netplan) await runTool([netplan, "generate"], ctx.signal);
    }
    return { before, after, wrote: true };
  });
}

/** Stops managing `part` (the settings or the routes) of interface `name`; the rest is kept. */
export function clearManaged(
  ctx: ProviderContext,
  name: string,
  part: keyof ManagedInterface,
): Promise<NetplanEdit> {
  return editManagedInterface(ctx, name, (cur) => {
    const empty = part === "routes" ? cur.routes.length === 0 : noSettings(cur.settings);
    return empty ? undefined : { ...cur, [part]: part === "routes" ? [] : {} };
  });
}
