/** `node.user.ssh_key.add`: appends a public key to a user's `authorized_keys`. */
import { userSshKeyAdd as userSshKeyAddOp } from "../../core/operations/user.ts";
import { editKeys, parseKeyLine } from "./user_ssh_keys.ts";
import { provide } from "./types.ts";

/** Appends the key; unchanged when a key with the same fingerprint is there. */
export const userSshKeyAdd = provide(userSshKeyAddOp, async (input, ctx) => {
  const line = input.key.trim();
  const { fingerprint } = (await parseKeyLine(line))!;
  const changed = await editKeys(ctx, input.name, async (lines) => {
    for (const l of lines) if ((await parseKeyLine(l))?.fingerprint === fingerprint) return null;
    return [...lines, line];
  });
  return { fingerprint, changed };
});

export default userSshKeyAdd;
