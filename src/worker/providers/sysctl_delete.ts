/** `node.sysctl.delete`: stops managing a sysctl parameter. */
import { sysctlDelete as sysctlDeleteOp } from "../../core/operations/sysctl.ts";
import { deleteManaged } from "./sysctl_config.ts";
import { provide } from "./types.ts";

/** Removes the entry from the managed file; unchanged when it was not managed. */
export const sysctlDelete = provide(sysctlDeleteOp, async (input, ctx) => ({
  key: input.key,
  changed: await deleteManaged(input.key, ctx),
}));

export default sysctlDelete;
