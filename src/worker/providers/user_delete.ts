/** `node.user.delete`: removes an account with `userdel` (its home directory is kept). */
import { userDelete as userDeleteOp } from "../../core/operations/user.ts";
import { accountsSerialized, findUser, runAccountTool } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Removes the account; unchanged when there is none. */
export const userDelete = provide(
  userDeleteOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      if (!await findUser(ctx.root, input.name)) return { name: input.name, changed: false };
      await runAccountTool(ctx, "userdel", ["--", input.name]);
      ctx.log.info("user deleted", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default userDelete;
