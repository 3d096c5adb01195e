/** `node.network.interface.update`: updates the managed configuration of a network interface. */
import {
  type InterfaceConfigInput,
  interfaceUpdate as interfaceUpdateOp,
} from "../../core/operations/network_interface.ts";
import { setInterfaceConfig } from "./network_interface_config.ts";
import type { NetworkOptions } from "./network_live.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.interface.update` provider acting where `opts` says (tests: a namespace). */
export function createInterfaceUpdate(
  opts: NetworkOptions = {},
): Provider<InterfaceConfigInput, { name: string; changed: boolean }> {
  return provide(interfaceUpdateOp, async (input, ctx) => ({
    name: input.name,
    changed: await setInterfaceConfig(input, "update", opts, ctx),
  }));
}

export default createInterfaceUpdate();
