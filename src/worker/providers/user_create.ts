/** `node.user.create`: a new account with `useradd`, its password hash set with `chpasswd -e`. */
import { userCreate as userCreateOp, type UserCreateInput } from "../../core/operations/user.ts";
import { OperationInputError } from "../../core/job.ts";
import {
  accountsSerialized,
  checkGroupsExist,
  findUser,
  runAccountTool,
  type UserInfo,
} from "./user_accounts.ts";
import { sha512Crypt } from "../../core/sha512_crypt.ts";
import { provide } from "./types.ts";

/** The fields of `input` an existing account `user` does not have. */
function differences(user: UserInfo, input: UserCreateInput): string[] {
  const out: string[] = [];
  if (input.uid !== undefined && input.uid !== user.uid) out.push("uid");
  if (input.gid !== undefined && input.gid !== user.gid) out.push("gid");
  if (input.home !== undefined && input.home !== user.home) out.push("home");
  if (input.shell !== undefined && input.shell !== user.shell) out.push("shell");
  if (input.groups && [...input.groups].sort().join() !== [...user.groups].sort().join()) {
    out.push("groups");
  }
  return out;
}

/** The `useradd` arguments of `input`. */
export function useraddArgs(input: UserCreateInput): string[] {
  return [
    ...(input.uid !== undefined ? ["-u", String(input.uid)] : []),
    ...(input.gid !== undefined ? ["-g", String(input.gid)] : ["-U"]),
    ...(input.home !== undefined ? ["-d", input.home] : []),
    ...(input.shell !== undefined ? ["-s", input.shell] : []),
    ...(input.groups?.length ? ["-G", input.groups.join(",")] : []),
    ...(input.system ? ["-r"] : ["-m"]),
    "--",
    input.name,
  ];
}

/**
 * Creates the account; unchanged when it exists with the settings given (its password is then
 * left as it is), refused when it exists with others.
 */
export const userCreate = provide(
  userCreateOp,
  (input, ctx) =>
    accountsSerialized(ctx, async () => {
      const current = await findUser(ctx.root, input.name);
      if (current) {
        const diff = differences(current, input);
        if (diff.length > 0) {
          throw new OperationInputError(
            `user ${input.name} already exists with another ${diff.join(", ")}; change it with ` +
              `PUT /api/node/{hostname}/user/${input.name}`,
            diff[0],
          );
        }
        return { name: input.name, changed: false };
      }
      if (input.groups?.length) await checkGroupsExist(ctx.root, input.groups);
      const hash = input.password !== undefined
        ? await sha512Crypt(input.password)
        : input.password_hash;
      await runAccountTool(ctx, "useradd", useraddArgs(input));
      if (hash !== undefined) {
        await runAccountTool(ctx, "chpasswd", ["-e"], `${input.name}:${hash}\n`);
      }
      ctx.log.info("user created", { name: input.name, root: ctx.root });
      return { name: input.name, changed: true };
    }),
);

export default userCreate;
