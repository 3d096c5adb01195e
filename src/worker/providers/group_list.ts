/** `node.group.list`: the groups of this host. */
import { groupListOp } from "../../core/operations/user.ts";
import { type GroupEntry, readGroups } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Lists `<root>/etc/group`. */
export const groupList = provide(
  groupListOp,
  async (_input, ctx): Promise<{ groups: GroupEntry[] }> => ({
    groups: await readGroups(ctx.root),
  }),
);

export default groupList;
