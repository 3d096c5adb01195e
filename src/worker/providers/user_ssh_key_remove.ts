/** `node.user.ssh_key.remove`: removes the keys of a fingerprint from `authorized_keys`. */
import { userSshKeyRemove as userSshKeyRemoveOp } from "../../core/operations/user.ts";
import { editKeys, normalFingerprint, parseKeyLine } from "./user_ssh_keys.ts";
import { provide } from "./types.ts";

/** Removes every line of the key; unchanged when there is none. */
export const userSshKeyRemove = provide(userSshKeyRemoveOp, async (input, ctx) => {
  const fingerprint = normalFingerprint(input.fingerprint);
  const changed = await editKeys(ctx, input.name, async (lines) => {
    const kept: string[] = [];
    for (const l of lines) if ((await parseKeyLine(l))?.fingerprint !== fingerprint) kept.push(l);
    return kept.length === lines.length ? null : kept;
  });
  return { fingerprint, changed };
});

export default userSshKeyRemove;
