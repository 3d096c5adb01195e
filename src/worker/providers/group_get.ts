/** `node.group.get`: one group of this host. */
import { groupGet as groupGetOp } from "../../core/operations/user.ts";
import { OperationInputError } from "../../core/job.ts";
import { findGroup, type GroupEntry } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** The group `name` (a failed result when there is none). */
export const groupGet = provide(
  groupGetOp,
  async (input, ctx): Promise<{ groups: GroupEntry[] }> => {
    const group = await findGroup(ctx.root, input.name);
    if (!group) throw new OperationInputError(`no group ${input.name} on this host`, "name");
    return { groups: [group] };
  },
);

export default groupGet;
