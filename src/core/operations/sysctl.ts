/**
 * `node.sysctl.*`: kernel parameters managed by osapi, persisted in one file under
 * `/etc/sysctl.d` and applied live with `sysctl -w`.
 */
import { z } from "zod";
import { defineOperation, type InputSchema, type OperationDef, type RouteDef } from "./define.ts";
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

const TAGS = ["Sysctl_Management_API_sysctl_operations"];
const route = (
  method: RouteDef["method"],
  byKey: boolean,
  operationId: string,
  collection: string,
  extra: Partial<RouteDef> = {},
): RouteDef => ({
  method,
  path: `/api/node/{hostname}/sysctl${byKey ? "/{key}" : ""}`,
  operationId,
  tags: TAGS,
  ...(byKey ? { params: { key: "key" } } : {}),
  status: 200,
  collection,
  ...extra,
});

const mutation = z.looseObject({ key: z.string(), changed: z.boolean() });

/** A `node.sysctl.<name>` operation: list/get read (sysctl:read), the others write. */
function sysctlOp<const In extends InputSchema>(
  name: "list" | "get" | "create" | "update" | "delete",
  summary: string,
  input: In,
  result: z.ZodObject,
  route: RouteDef,
): OperationDef<In> {
  const query = name === "list" || name === "get";
  return defineOperation({
    type: `node.sysctl.${name}`,
    kind: query ? "query" : "modify",
    permission: query ? "sysctl:read" : "sysctl:write",
    summary,
    input,
    result,
    routes: [route],
    cli: { command: ["node", "sysctl", name], args: Object.keys(input.shape) },
    provider: `sysctl_${name}`,
  });
}

const keyInput = z.strictObject({ key: sysctlKey });
const setInput = (description: string) =>
  z.strictObject({ key: sysctlKey, value: sysctlValue }).meta({ description });

/** `node.sysctl.list`: every entry osapi manages on the host. */
export const sysctlList = sysctlOp(
  "list",
  "List the sysctl entries osapi manages",
  z.strictObject({}).meta({ description: "No input." }),
  z.looseObject({ entries: z.array(SysctlEntry) }),
  route("get", false, "GetNodeSysctl", "SysctlCollectionResponse", { items: "entries" }),
);

/** `node.sysctl.get`: one managed entry. */
export const sysctlGet = sysctlOp(
  "get",
  "Get a sysctl entry osapi manages",
  keyInput,
  SysctlEntry,
  route("get", true, "GetNodeSysctlByKey", "SysctlGetResponse"),
);

/** `node.sysctl.create`: starts managing a key (persisted, applied live). */
export const sysctlCreate = sysctlOp(
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
export const sysctlUpdate = sysctlOp(
  "update",
  "Change the value of a managed sysctl parameter",
  setInput("Sets a new value for a managed parameter; fails when it is not managed."),
  mutation,
  route("put", true, "PutNodeSysctl", "SysctlUpdateResponse", { request: "SysctlUpdateRequest" }),
);

/** `node.sysctl.delete`: stops managing a key (its live value is left as it is). */
export const sysctlDelete = sysctlOp(
  "delete",
  "Stop managing a sysctl parameter (the live value is kept until reboot)",
  keyInput,
  mutation,
  route("delete", true, "DeleteNodeSysctl", "SysctlDeleteResponse"),
);

/** Checked input of the sysctl operations naming a key (and a value). */
export type SysctlKeyInput = z.output<typeof sysctlGet.input>;
export type SysctlSetInput = z.output<typeof sysctlCreate.input>;
