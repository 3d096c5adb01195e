/** `node.user.update`: shell, home, supplementary groups and lock state with `usermod`. */
import { userUpdate as userUpdateOp } from "../../core/operations/user.ts";
import { accountsSerialized, checkGroupsExist, getUser, runAccountTool } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Changes what differs; unchanged (no `usermod` run) when everything already holds. */
export const userUpdate = provide(
  userUpdateOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      const user = await getUser(ctx.root, input.name);
      const args: string[] = [];
      if (input.shell !== undefined && input.shell !== user.shell) args.push("-s", input.shell);
      if (input.home !== undefined && input.home !== user.home) args.push("-d", input.home);
      if (input.groups && [...input.groups].sort().join() !== [...user.groups].sort().join()) {
        await checkGroupsExist(ctx.root, input.groups);
        args.push("-G", input.groups.join(","));
      }
      if (input.lock !== undefined && input.lock !== (user.locked ?? false)) {
        args.push(input.lock ? "-L" : "-U");
      }
      if (args.length === 0) return { name: input.name, changed: false };
      await runAccountTool(ctx, "usermod", [...args, "--", input.name]);
      ctx.log.info("user updated", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default userUpdate;
