/** `node.group.delete`: removes a group with `groupdel`. */
import { groupDelete as groupDeleteOp } from "../../core/operations/user.ts";
import { accountsSerialized, findGroup, runAccountTool } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Removes the group; unchanged when there is none. */
export const groupDelete = provide(
  groupDeleteOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      if (!await findGroup(ctx.root, input.name)) return { name: input.name, changed: false };
      await runAccountTool(ctx, "groupdel", ["--", input.name]);
      ctx.log.info("group deleted", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default groupDelete;
