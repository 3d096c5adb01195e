/** `node.sysctl.get`: one sysctl entry osapi manages on this host. */
import { sysctlGet as sysctlGetOp } from "../../core/operations/sysctl.ts";
import { getManaged } from "./sysctl_config.ts";
import { provide } from "./types.ts";

/** The managed entry of the key given (a key not managed fails on this host). */
export const sysctlGet = provide(sysctlGetOp, (input, ctx) => getManaged(input.key, ctx.root));

export default sysctlGet;
