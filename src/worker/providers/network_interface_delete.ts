/** `node.network.interface.delete`: stops managing the configuration of a network interface. */
import { interfaceDelete as interfaceDeleteOp } from "../../core/operations/network_interface.ts";
import { deleteInterfaceConfig } from "./network_interface_config.ts";
import type { NetworkOptions } from "./network_live.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.interface.delete` provider acting where `opts` says (tests: a namespace). */
export function createInterfaceDelete(
  opts: NetworkOptions = {},
): Provider<{ name: string }, { name: string; changed: boolean }> {
  return provide(interfaceDeleteOp, async (input, ctx) => ({
    name: input.name,
    changed: await deleteInterfaceConfig(input.name, opts, ctx),
  }));
}

export default createInterfaceDelete();
