/** `node.group.create`: a new group with `groupadd`. */
import { groupCreate as groupCreateOp } from "../../core/operations/user.ts";
import { OperationInputError } from "../../core/job.ts";
import { accountsSerialized, findGroup, runAccountTool } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Creates the group; unchanged when it exists (with the gid given), refused with another. */
export const groupCreate = provide(
  groupCreateOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      const current = await findGroup(ctx.root, input.name);
      if (current) {
        if (input.gid !== undefined && input.gid !== current.gid) {
          throw new OperationInputError(
            `group ${input.name} already exists with gid ${current.gid}`,
            "gid",
          );
        }
        return { name: input.name, changed: false };
      }
      await runAccountTool(ctx, "groupadd", [
        ...(input.gid !== undefined ? ["-g", String(input.gid)] : []),
        ...(input.system ? ["-r"] : []),
        "--",
        input.name,
      ]);
      ctx.log.info("group created", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default groupCreate;
