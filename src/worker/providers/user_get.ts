/** `node.user.get`: one user account of this host. */
import { userGet as userGetOp } from "../../core/operations/user.ts";
import { getUser, type UserInfo } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** The account `name` (a failed result when there is none). */
export const userGet = provide(
  userGetOp,
  async (input, ctx): Promise<{ users: UserInfo[] }> => ({
    users: [await getUser(ctx.root, input.name)],
  }),
);

export default userGet;
