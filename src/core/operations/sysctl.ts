/**
 * `node.sysctl.*`: kernel parameters managed by osapi, persisted in one file under
 * `/etc/sysctl.d` and applied live with `sysctl -w`.
 */
import { z } from "zod";
import { nodeDomain } from "./node_ops.ts";
import { str } from "./fields.ts";

/** A sysctl key: dotted names of a-z 0-9 _ -, each starting with a letter or digit. */
export const sysctlKey = str({
  description: "Sysctl parameter key, e.g. net.ipv4.ip_forward.",
  minLength: 1,
  maxLength: 256,
  pattern: /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$/,
  hint: "dotted names of a-z 0-9 _ - (no /, no empty or .. parts)",
  example: "net.ipv4.ip_forward",
});

/** A sysctl value: one line, no surrounding blanks. */
export const sysctlValue = str({
  description: "Value of the parameter (one line; several numbers separated by blanks).",
  minLength: 1,
  maxLength: 4096,
  pattern: /^[^\s](?:[^\r\n]*[^\s])?$/,
  hint: "one line without leading or trailing blanks",
  example: "1",
});

/** One managed entry. */
export const SysctlEntry = z.looseObject({
  key: z.string(),
  value: z.string().meta({ description: "the value in effect (live) or persisted" }),
});

const { route, op, list, get, remove } = nodeDomain(
  "sysctl",
  "sysctl",
  "key",
  "Sysctl_Management_API_sysctl_operations",
);

const mutation = z.looseObject({ key: z.string(), changed: z.boolean() });

const keyInput = z.strictObject({ key: sysctlKey });
const setInput = (description: string) =>
  z.strictObject({ key: sysctlKey, value: sysctlValue }).meta({ description });

/** `node.sysctl.list`: every entry osapi manages on the host. */
export const sysctlList = list(
  "List the sysctl entries osapi manages",
  SysctlEntry,
  "GetNodeSysctl",
  "SysctlCollectionResponse",
);

/** `node.sysctl.get`: one managed entry. */
export const sysctlGet = get(
  "Get a sysctl entry osapi manages",
  keyInput,
  SysctlEntry,
  "GetNodeSysctlByKey",
  "SysctlGetResponse",
);

/** `node.sysctl.create`: starts managing a key (persisted, applied live). */
export const sysctlCreate = op(
  "create",
  "Manage a sysctl parameter: persist it and apply it",
  setInput(
    "Persists and applies a parameter; unchanged when it is already managed with this value " +
      "(another value: use PUT).",
  ),
  mutation,
  route("post", false, "PostNodeSysctl", "SysctlCreateResponse", {
    request: "SysctlCreateRequest",
  }),
);

/** `node.sysctl.update`: changes the value of a managed key. */
export const sysctlUpdate = op(
  "update",
  "Change the value of a managed sysctl parameter",
  setInput("Sets a new value for a managed parameter; fails when it is not managed."),
  mutation,
  route("put", true, "PutNodeSysctl", "SysctlUpdateResponse", { request: "SysctlUpdateRequest" }),
);

/** `node.sysctl.delete`: stops managing a key (its live value is left as it is). */
export const sysctlDelete = remove(
  "Stop managing a sysctl parameter (the live value is kept until reboot)",
  keyInput,
  mutation,
  "DeleteNodeSysctl",
  "SysctlDeleteResponse",
);

/** Checked input of the sysctl operations naming a key (and a value). */
export type SysctlKeyInput = z.output<typeof sysctlGet.input>;
export type SysctlSetInput = z.output<typeof sysctlCreate.input>;
