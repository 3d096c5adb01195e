/**
 * `node.user.password`: sets an account's password with `chpasswd -e`, the hash on stdin
 * (never in argv or the log). The API sends only hashes (the declaration's `prepare`); a
 * plaintext password from another publisher is hashed here.
 */
import { userPassword as userPasswordOp } from "../../core/operations/user.ts";
import { sha512Crypt } from "../../core/sha512_crypt.ts";
import {
  accountsSerialized,
  getUser,
  passwordMatches,
  runAccountTool,
  shadowHash,
} from "./user_accounts.ts";
import { provide } from "./types.ts";

/** Sets the password; unchanged when the stored hash already is (or matches) the one given. */
export const userPassword = provide(
  userPasswordOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      await getUser(ctx.root, input.name);
      const stored = await shadowHash(ctx.root, input.name);
      const same = input.password_hash !== undefined
        ? stored === input.password_hash
        : await passwordMatches(input.password!, stored);
      if (same) return { name: input.name, changed: false };
      const hash = input.password_hash ?? await sha512Crypt(input.password!);
      await runAccountTool(ctx, "chpasswd", ["-e"], `${input.name}:${hash}\n`);
      ctx.log.info("user password changed", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default userPassword;
