/** `node.network.interface.list`: the network interfaces of this host. */
import { interfaceList as interfaceListOp } from "../../core/operations/network_interface.ts";
import { type InterfaceInfo, listInterfaces } from "./network_interface_config.ts";
import type { NetworkOptions } from "./network_live.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.interface.list` provider acting where `opts` says (tests: a namespace). */
export function createInterfaceList(
  opts: NetworkOptions = {},
): Provider<Record<string, never>, { interfaces: InterfaceInfo[] }> {
  return provide(interfaceListOp, async (_input, ctx) => ({
    interfaces: await listInterfaces(opts, ctx),
  }));
}

export default createInterfaceList();
