/** `node.network.interface.create`: creates the managed configuration of a network interface. */
import {
  type InterfaceConfigInput,
  interfaceCreate as interfaceCreateOp,
} from "../../core/operations/network_interface.ts";
import { setInterfaceConfig } from "./network_interface_config.ts";
import type { NetworkOptions } from "./network_live.ts";
import { provide, type Provider } from "./types.ts";

/** A `node.network.interface.create` provider acting where `opts` says (tests: a namespace). */
export function createInterfaceCreate(
  opts: NetworkOptions = {},
): Provider<InterfaceConfigInput, { name: string; changed: boolean }> {
  return provide(interfaceCreateOp, async (input, ctx) => ({
    name: input.name,
    changed: await setInterfaceConfig(input, "create", opts, ctx),
  }));
}

export default createInterfaceCreate();
