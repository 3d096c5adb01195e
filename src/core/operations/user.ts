/**
 * `node.user.*`: user accounts of `/etc/passwd` (never their password hashes), changed with the
 * shadow tools (`useradd`, `usermod`, `userdel`, `chpasswd`), and `node.group.*`: the groups of
 * `/etc/group` (`groupadd`, `gpasswd`, `groupdel`). Both need `user:read` / `user:write`.
 */
import { z } from "zod";
import type { Permission } from "../permissions.ts";
import { defineOperation, type InputSchema, type OperationDef, type RouteDef } from "./define.ts";
import { bool, int, str, strList } from "./fields.ts";
import { nodeRoute } from "./node_ops.ts";
import { sha512Crypt } from "../sha512_crypt.ts";

/** A POSIX account or group name: a-z 0-9 _ -, starting with a letter or `_`, at most 32. */
export const posixName = (what: string) =>
  str({
    description: `${what} name: a-z 0-9 _ -, starting with a letter or _ (a final $ allowed).`,
    minLength: 1,
    maxLength: 32,
    pattern: /^[a-z_][a-z0-9_-]*\$?$/,
    hint: "a-z 0-9 _ -, starting with a letter or _",
    example: what === "Group" ? "developers" : "alice",
  });

/**
 * An absolute path of a passwd field: `/`-separated plain names (no `.`/`..`, no empty part),
 * without `:` or control characters.
 */
const passwdPath = (description: string, example: string) =>
  str({
    description,
    minLength: 1,
    maxLength: 1024,
    // deno-lint-ignore no-control-regex
    pattern: /^(?:\/(?!\.\.?(?:\/|$))[^/:\x00-\x1f\x7f]+)+$/,
    hint: "an absolute path of plain names, without : or control characters",
    example,
  });

const id = (what: string) => int({ description: `Numeric ${what} ID.`, min: 0, max: 2147483647 });

/** A password (plaintext; never shown in errors, hashed on the host). */
const password = z.string({ error: "must be a string" }).min(1, { error: "must not be empty" })
  .max(1024, { error: "is too long (at most 1024 characters)" })
  .refine((v) => !/\p{Cc}/u.test(v), { error: "must be one line without control characters" })
  .meta({
    description: "The password in plaintext: the API hashes it (SHA-512 crypt) before the job " +
      "is stored, so only the hash is kept and sent to the hosts.",
  });

/** A crypt(3) hash (`$6$...`, `$y$...`), stored as it is. */
const passwordHash = z.string({ error: "must be a string" }).max(1024, {
  error: "is too long (at most 1024 characters)",
}).regex(/^\$(?:1|5|6|y|gy|7|2[abxy])\$[./A-Za-z0-9$=,]+$/, {
  error: "must be a crypt(3) hash such as $6$salt$hash or $y$...",
}).meta({
  description: "osapi extension: an already hashed password (crypt(3), e.g. from " +
    "`openssl passwd -6` or `mkpasswd`), stored as it is.",
});

/**
 * A check's issue on `field` of an object (none: the value checked); the value is not echoed
 * (it may be a password).
 */
const issue = (message: string, field?: string): z.core.$ZodRawIssue => ({
  code: "custom",
  message,
  input: "",
  path: field ? [field] : [],
});

const USER_TAG = "User_and_Group_Management_API_user_operations";
const GROUP_TAG = "User_and_Group_Management_API_group_operations";

/**
 * Operation `node.<domain>.<name>` with permission `user:read` (queries) or `user:write`,
 * CLI `node <domain> <name...>` and provider `<domain>_<name>` (`.` as `_`).
 */
export function accountOperation<const In extends InputSchema>(
  domain: "user" | "group",
  name: string,
  kind: "query" | "modify",
  summary: string,
  input: In,
  result: z.ZodObject,
  route: RouteDef,
  args: string[],
): OperationDef<In> {
  const permission: Permission = kind === "query" ? "user:read" : "user:write";
  // a query's list field (users, groups, keys) is laid out as rows of its own by the CLI
  const expand = kind === "query"
    ? Object.keys(result.shape).find((k) => result.shape[k] instanceof z.ZodArray)
    : undefined;
  return defineOperation({
    type: `node.${domain}.${name}`,
    kind,
    permission,
    summary,
    input,
    result,
    routes: [route],
    cli: {
      command: ["node", domain, ...name.split(".").map((w) => w.replace(/_/g, "-"))],
      args,
      ...(expand ? { expand } : {}),
    },
    provider: `${domain}_${name.replace(/\./g, "_")}`,
  });
}

/** A user route under `/api/node/{hostname}/user`. */
export const userRoute = (
  method: RouteDef["method"],
  path: string,
  operationId: string,
  collection: string,
  extra: Partial<RouteDef> = {},
): RouteDef =>
  nodeRoute(method, path, operationId, USER_TAG, collection, {
    ...(path.includes("{name}") ? { params: { name: "name" } } : {}),
    ...extra,
  });

const userName = posixName("User");
const groupName = posixName("Group");
const groupList = (description: string) => strList(groupName, { description, maxItems: 256 });

/** A user account (no password hash; `locked` when its shadow entry says so). */
export const UserInfo = z.looseObject({
  name: z.string(),
  uid: z.int(),
  gid: z.int(),
  home: z.string(),
  shell: z.string(),
  groups: z.array(z.string()).meta({ description: "supplementary group names" }),
  locked: z.boolean().optional(),
});

/** A group. */
export const GroupInfo = z.looseObject({
  name: z.string(),
  gid: z.int(),
  members: z.array(z.string()),
});

const userMutation = z.looseObject({ name: z.string(), changed: z.boolean() });
const noInput = z.strictObject({}).meta({ description: "No input." });
const userInput = z.strictObject({ name: userName });
const users = z.looseObject({ users: z.array(UserInfo) });

/** `node.user.list`: every account of the host. */
export const userList = accountOperation(
  "user",
  "list",
  "query",
  "List the user accounts",
  noInput,
  users,
  userRoute("get", "user", "GetNodeUser", "UserCollectionResponse"),
  [],
);

/** `node.user.get`: one account. */
export const userGet = accountOperation(
  "user",
  "get",
  "query",
  "Get a user account",
  userInput,
  users,
  userRoute("get", "user/{name}", "GetNodeUserByName", "UserCollectionResponse"),
  ["name"],
);

/**
 * A checked input with its plaintext `password` replaced by its SHA-512 crypt hash
 * (`password_hash`): the API hashes before the job is stored, so the job's record and message
 * never hold the plaintext.
 */
export async function hashPlaintextPassword<T extends { password?: string }>(
  input: T,
): Promise<Record<string, unknown>> {
  if (input.password === undefined) return input;
  const { password, ...rest } = input;
  return { ...rest, password_hash: await sha512Crypt(password) };
}

/** `node.user.create`: a new account (`useradd`). */
const userCreateOp = accountOperation(
  "user",
  "create",
  "modify",
  "Create a user account",
  z.strictObject({
    name: userName,
    uid: id("user").optional(),
    gid: id("primary group").optional().meta({
      description: "Primary group ID; without it a group named as the user is created.",
    }),
    home: passwdPath("Home directory (default /home/<name>).", "/home/alice").optional(),
    shell: passwdPath("Login shell.", "/bin/bash").optional(),
    groups: groupList("Supplementary group names.").optional(),
    password: password.optional(),
    password_hash: passwordHash.optional(),
    system: bool("Create a system account (no home directory is created).").optional(),
  }).meta({
    description: "Creates an account; unchanged when it exists with the settings given " +
      "(other settings: use PUT).",
  }).check((ctx) => {
    if (ctx.value.password !== undefined && ctx.value.password_hash !== undefined) {
      ctx.issues.push(issue("give password or password_hash, not both", "password"));
    }
  }),
  userMutation,
  userRoute("post", "user", "PostNodeUser", "UserMutationResponse", {
    request: "UserCreateRequest",
  }),
  ["name"],
);

/** `node.user.create`: a new account (`useradd`); a plaintext password is hashed by the API. */
export const userCreate = { ...userCreateOp, prepare: hashPlaintextPassword };

/** `node.user.update`: shell, home, supplementary groups, lock (`usermod`). */
export const userUpdate = accountOperation(
  "user",
  "update",
  "modify",
  "Update a user account",
  z.strictObject({
    name: userName,
    shell: passwdPath("New login shell.", "/bin/bash").optional(),
    home: passwdPath("New home directory (its files are not moved).", "/home/alice").optional(),
    groups: groupList("Supplementary group names (replaces the current ones).").optional(),
    lock: bool("Lock (true) or unlock (false) the account's password.").optional(),
  }).meta({ description: "Changes the fields given; unchanged when they already hold." })
    .check((ctx) => {
      const v = ctx.value;
      if ([v.shell, v.home, v.groups, v.lock].every((f) => f === undefined)) {
        ctx.issues.push(issue("give shell, home, groups or lock", "shell"));
      }
    }),
  userMutation,
  userRoute("put", "user/{name}", "PutNodeUser", "UserMutationResponse", {
    request: "UserUpdateRequest",
  }),
  ["name"],
);

/** `node.user.delete`: removes an account (`userdel`; its home directory is kept). */
export const userDelete = accountOperation(
  "user",
  "delete",
  "modify",
  "Delete a user account (its home directory is kept)",
  userInput,
  userMutation,
  userRoute("delete", "user/{name}", "DeleteNodeUser", "UserMutationResponse"),
  ["name"],
);

const userPasswordOp = accountOperation(
  "user",
  "password",
  "modify",
  "Change the password of a user account",
  z.strictObject({
    name: userName,
    password: password.optional(),
    password_hash: passwordHash.optional(),
  }).meta({
    description: "Sets the password (plaintext, hashed by the host) or an already hashed one; " +
      "unchanged when the account already has it.",
  }).check((ctx) => {
    if ((ctx.value.password === undefined) === (ctx.value.password_hash === undefined)) {
      ctx.issues.push(issue("give either password or password_hash", "password"));
    }
  }),
  userMutation,
  userRoute("post", "user/{name}/password", "PostNodeUserPassword", "UserMutationResponse", {
    request: "UserPasswordRequest",
  }),
  ["name"],
);

const groupRoute = (method: RouteDef["method"], byName: boolean, operationId: string, c: string) =>
  nodeRoute(method, byName ? "group/{name}" : "group", operationId, GROUP_TAG, c, {
    ...(byName ? { params: { name: "name" } } : {}),
    ...(method === "post" ? { request: "GroupCreateRequest" } : {}),
    ...(method === "put" ? { request: "GroupUpdateRequest" } : {}),
  });
const groups = z.looseObject({ groups: z.array(GroupInfo) });
const groupInput = z.strictObject({ name: groupName });

/**
 * `node.user.password`: sets the password (`chpasswd -e`, the hash on stdin); a plaintext
 * password is hashed by the API.
 */
export const userPassword = { ...userPasswordOp, prepare: hashPlaintextPassword };

/** `node.group.list`: every group of the host. */
export const groupListOp = accountOperation(
  "group",
  "list",
  "query",
  "List the groups",
  noInput,
  groups,
  groupRoute("get", false, "GetNodeGroup", "GroupCollectionResponse"),
  [],
);

/** `node.group.get`: one group. */
export const groupGet = accountOperation(
  "group",
  "get",
  "query",
  "Get a group",
  groupInput,
  groups,
  groupRoute("get", true, "GetNodeGroupByName", "GroupCollectionResponse"),
  ["name"],
);

/** `node.group.create`: a new group (`groupadd`). */
export const groupCreate = accountOperation(
  "group",
  "create",
  "modify",
  "Create a group",
  z.strictObject({
    name: groupName,
    gid: id("group").optional(),
    system: bool("Create a system group.").optional(),
  }).meta({ description: "Creates a group; unchanged when it exists (with the gid given)." }),
  userMutation,
  groupRoute("post", false, "PostNodeGroup", "GroupMutationResponse"),
  ["name"],
);

/** `node.group.update`: sets the members (`gpasswd -M`). */
export const groupUpdate = accountOperation(
  "group",
  "update",
  "modify",
  "Set the members of a group",
  z.strictObject({
    name: groupName,
    members: strList(userName, { description: "Member user names (replaces).", maxItems: 1024 }),
  }).meta({ description: "Replaces the member list; unchanged when it already is the one given." }),
  userMutation,
  groupRoute("put", true, "PutNodeGroup", "GroupMutationResponse"),
  ["name", "members"],
);

/** `node.group.delete`: removes a group (`groupdel`). */
export const groupDelete = accountOperation(
  "group",
  "delete",
  "modify",
  "Delete a group",
  groupInput,
  userMutation,
  groupRoute("delete", true, "DeleteNodeGroup", "GroupMutationResponse"),
  ["name"],
);

/** Checked inputs of the user and group operations. */
export type UserCreateInput = z.output<typeof userCreate.input>;
export type UserUpdateInput = z.output<typeof userUpdate.input>;
export type UserPasswordInput = z.output<typeof userPassword.input>;
export type GroupUpdateInput = z.output<typeof groupUpdate.input>;

/** The public key types osapi accepts in `authorized_keys`. */
export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

/**
 * The key type a public key blob (base64) names in its first field, or undefined when the
 * text is not base64 or the blob is malformed.
 */
export function sshBlobType(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  let bin: string;
  try {
    bin = atob(base64);
  } catch {
    return undefined;
  }
  if (bin.length < 4) return undefined;
  const len = ((bin.charCodeAt(0) << 24) | (bin.charCodeAt(1) << 16) |
    (bin.charCodeAt(2) << 8) | bin.charCodeAt(3)) >>> 0;
  if (len === 0 || len > 64 || bin.length < 4 + len) return undefined;
  return bin.slice(4, 4 + len);
}

const KEY_LINE = /^(\S+) (\S+)(?: ([^\p{Cc}]*))?$/u;

/** A public key line: `<type> <base64 blob> [comment]`, its blob naming the same type. */
const sshKey = z.string({ error: "must be a string" }).max(16384, {
  error: "is too long (at most 16384 characters)",
}).check((ctx) => {
  const m = ctx.value.trim().match(KEY_LINE);
  const fail = (message: string) => void ctx.issues.push(issue(message));
  if (!m) return fail("must be one line: <type> <base64 key> [comment]");
  if (!(SSH_KEY_TYPES as readonly string[]).includes(m[1])) {
    return fail(
      `type ${JSON.stringify(m[1].slice(0, 40))} is not one of ${SSH_KEY_TYPES.join(", ")}`,
    );
  }
  const blobType = sshBlobType(m[2]);
  if (blobType === undefined) return fail("is not valid base64 key data");
  if (blobType !== m[1]) return fail(`key data is a ${blobType.slice(0, 40)} key, not ${m[1]}`);
}).meta({
  description: 'A public key line, e.g. "ssh-ed25519 AAAA... user@host" (no options).',
  example: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVkMjU1MTkta2V5LWRhdGEtZm9yLWV4YW1wbGU user@host",
});

/** An OpenSSH SHA-256 fingerprint (`SHA256:` and 43 base64 characters, `-_` for `+/` too). */
export const sshFingerprint = str({
  description: "SHA256 fingerprint as ssh-keygen -l prints it (URL-safe - and _ accepted).",
  minLength: 1,
  maxLength: 50,
  pattern: /^SHA256:[A-Za-z0-9+/_-]{43}$/,
  hint: "SHA256: and 43 base64 characters",
  example: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
});

/** An authorized key. */
export const SshKeyInfo = z.looseObject({
  type: z.string(),
  fingerprint: z.string(),
  comment: z.string().optional(),
});

const keyMutation = z.looseObject({ fingerprint: z.string(), changed: z.boolean() });

/** `node.user.ssh_key.list`: the keys of `~<name>/.ssh/authorized_keys`. */
export const userSshKeyList = accountOperation(
  "user",
  "ssh_key.list",
  "query",
  "List the SSH authorized keys of a user",
  userInput,
  z.looseObject({ keys: z.array(SshKeyInfo) }),
  userRoute("get", "user/{name}/ssh-key", "GetNodeUserSSHKey", "SSHKeyCollectionResponse"),
  ["name"],
);

/** `node.user.ssh_key.add`: appends a key to the user's `authorized_keys`. */
export const userSshKeyAdd = accountOperation(
  "user",
  "ssh_key.add",
  "modify",
  "Add an SSH authorized key for a user",
  z.strictObject({ name: userName, key: sshKey }).meta({
    description: "Adds the key; unchanged when a key with its fingerprint is there.",
  }),
  keyMutation,
  userRoute("post", "user/{name}/ssh-key", "PostNodeUserSSHKey", "SSHKeyMutationResponse", {
    request: "SSHKeyAddRequest",
  }),
  ["name", "key"],
);

/** `node.user.ssh_key.remove`: removes the keys of a fingerprint. */
export const userSshKeyRemove = accountOperation(
  "user",
  "ssh_key.remove",
  "modify",
  "Remove an SSH authorized key of a user by fingerprint",
  z.strictObject({ name: userName, fingerprint: sshFingerprint }),
  keyMutation,
  userRoute(
    "delete",
    "user/{name}/ssh-key/{fingerprint}",
    "DeleteNodeUserSSHKey",
    "SSHKeyMutationResponse",
    { params: { name: "name", fingerprint: "fingerprint" } },
  ),
  ["name", "fingerprint"],
);
