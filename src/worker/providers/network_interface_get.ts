/** `node.network.interface.get`: one network interface of this host. */
import { interfaceGet as interfaceGetOp } from "../../core/operations/network_interface.ts";
import { getInterface, type InterfaceInfo } from "./network_interface_config.ts";
import type { NetworkOptions } from "./network_live.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.interface.get` provider acting where `opts` says (tests: a namespace). */
export function createInterfaceGet(
  opts: NetworkOptions = {},
): Provider<{ name: string }, { interface: InterfaceInfo }> {
  return provide(interfaceGetOp, async (input, ctx) => ({
    interface: await getInterface(input.name, opts, ctx),
  }));
}

export default createInterfaceGet();
