/** `node.group.update`: replaces a group's members with `gpasswd -M`. */
import { groupUpdate as groupUpdateOp } from "../../core/operations/user.ts";
import { OperationInputError } from "../../core/job.ts";
import { accountsSerialized, findGroup, readPasswd, runAccountTool } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Sets the member list; unchanged when it already is the one given (in any order). */
export const groupUpdate = provide(
  groupUpdateOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      const group = await findGroup(ctx.root, input.name);
      if (!group) throw new OperationInputError(`no group ${input.name} on this host`, "name");
      const wanted = [...new Set(input.members)].sort();
      if (wanted.join() === [...group.members].sort().join()) {
        return { name: input.name, changed: false };
      }
      const known = new Set((await readPasswd(ctx.root)).map((u) => u.name));
      const missing = wanted.filter((m) => !known.has(m));
      if (missing.length > 0) {
        throw new OperationInputError(`no user ${missing.join(", ")} on this host`, "members");
      }
      await runAccountTool(ctx, "gpasswd", ["-M", wanted.join(","), "--", input.name]);
      ctx.log.info("group members set", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default groupUpdate;
