/** `node.sysctl.update`: changes the value of a managed sysctl parameter. */
import { sysctlUpdate as sysctlUpdateOp } from "../../core/operations/sysctl.ts";
import { setManaged } from "./sysctl_config.ts";
import { provide } from "./types.ts";

/** Sets the new value; a key not managed fails on this host. */
export const sysctlUpdate = provide(sysctlUpdateOp, async (input, ctx) => ({
  key: input.key,
  changed: await setManaged(input, "update", ctx),
}));

export default sysctlUpdate;
