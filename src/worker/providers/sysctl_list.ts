/** `node.sysctl.list`: the sysctl entries osapi manages on this host. */
import { sysctlList as sysctlListOp } from "../../core/operations/sysctl.ts";
import { readManaged, shownValue, type SysctlEntry } from "./sysctl_config.ts";
import { provide } from "./types.ts";

/** Lists the managed entries with the value in effect. */
export const sysctlList = provide(
  sysctlListOp,
  async (_input, ctx): Promise<{ entries: SysctlEntry[] }> => ({
    entries: await Promise.all(
      (await readManaged(ctx.root)).map(async (e) => ({
        key: e.key,
        value: await shownValue(e, ctx.root),
      })),
    ),
  }),
);

export default sysctlList;
