/** `node.user.ssh_key.list`: the SSH authorized keys of a user. */
import { userSshKeyList as userSshKeyListOp } from "../../core/operations/user.ts";
import { listKeys, type SshKeyInfo } from "./user_ssh_keys.ts";
import { provide } from "./types.ts";

/** Lists the keys of the user's `authorized_keys` with their fingerprints. */
export const userSshKeyList = provide(
  userSshKeyListOp,
  async (input, ctx): Promise<{ keys: SshKeyInfo[] }> => ({
    keys: await listKeys(ctx.root, input.name),
  }),
);

export default userSshKeyList;
