/** `node.user.list`: the user accounts of this host (no password hashes). */
import { userList as userListOp } from "../../core/operations/user.ts";
import { listUsers, type UserInfo } from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Lists `<root>/etc/passwd` with supplementary groups and lock state. */
export const userList = provide(
  userListOp,
  async (_input, ctx): Promise<{ users: UserInfo[] }> => ({ users: await listUsers(ctx.root) }),
);

export default userList;
