/**
 * `node.file.*`: files of the object store (`/api/file`) deployed to hosts: deploy (write it
 * at a path with a mode and owner, verified by SHA-256), undeploy (remove a file osapi
 * deployed) and status (is it there, and as deployed).
 */
import { z } from "zod";
import { str } from "./fields.ts";
import { defineOperation } from "./define.ts";
import { nodeOperation, nodeRoute } from "./node_ops.ts";
import { addIssues, contentType, objectName, templateIssues } from "./object_source.ts";

const TAG = "Node_File_Operations_API_node_file_operations";

/** Trees a file is never deployed into (the kernel's pseudo file systems). */
export const FORBIDDEN_TREES = ["/proc", "/sys", "/dev"] as const;

/** Why `path` is not a deployable path, or undefined when it is one. */
export function deployPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "must be an absolute path";
  const parts = path.slice(1).split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) {
    return "must be normalized (no empty, . or .. components, no trailing /)";
  }
  const tree = FORBIDDEN_TREES.find((t) => path === t || path.startsWith(`${t}/`));
  if (tree) return `must not be under ${tree}`;
  return undefined;
}

/** A destination path on the host: absolute, normalized, not under /proc, /sys or /dev. */
export const deployPath = str({
  description: "Absolute path on the host (normalized; not under /proc, /sys or /dev).",
  minLength: 2,
  maxLength: 4096,
  example: "/etc/nginx/nginx.conf",
}).superRefine((v, ctx) => {
  const problem = deployPathProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} ${problem}` });
});

const mode = str({
  description: 'Permission bits in octal, e.g. "0644" (default 0644).',
  minLength: 3,
  maxLength: 4,
  pattern: /^[0-7]{3,4}$/,
  hint: "3 or 4 octal digits",
  example: "0644",
});

const account = (what: string) =>
  str({
    description: `File ${what} (a name of the host's ${
      what === "owner" ? "passwd" : "group"
    } file, or a numeric id).`,
    minLength: 1,
    maxLength: 32,
    pattern: /^(?:[a-z_][a-z0-9_-]*\$?|[0-9]+)$/,
    hint: "a name (a-z 0-9 _ -, starting with a letter or _) or a numeric id",
    example: "root",
  });

/** `node.file.deploy`: writes a stored file at a path (idempotent by SHA-256, mode, owner). */
export const fileDeploy = nodeOperation("file", "deploy", {
  summary: "Deploy a file of the object store to the target nodes",
  input: z.strictObject({
    object_name: objectName,
    path: deployPath,
    content_type: contentType,
    mode: mode.optional(),
    owner: account("owner").optional(),
    group: account("group").optional(),
  }).meta({
    description: "Writes the stored file at path (atomically, verified by SHA-256); unchanged " +
      "when the file there already has its content, mode and owner.",
  }).check((ctx) => {
    addIssues(ctx, templateIssues(ctx.value));
  }),
  result: z.looseObject({
    path: z.string(),
    object_name: z.string(),
    sha256: z.string().meta({ description: "hex SHA-256 of the content deployed" }),
    changed: z.boolean(),
  }),
  route: nodeRoute(
    "post",
    "file/deploy",
    "PostNodeFileDeploy",
    TAG,
    "FileDeployCollectionResponse",
    {
      status: 202,
      request: "FileDeployRequest",
    },
  ),
  args: ["object_name", "path"],
});

/** `node.file.undeploy`: removes a file osapi deployed. */
export const fileUndeploy = nodeOperation("file", "undeploy", {
  summary: "Remove a file osapi deployed from the target nodes",
  input: z.strictObject({ path: deployPath }).meta({
    description: "Removes a file osapi deployed (others are refused); unchanged when it is " +
      "not there.",
  }),
  result: z.looseObject({ path: z.string(), changed: z.boolean() }),
  route: nodeRoute(
    "post",
    "file/undeploy",
    "PostNodeFileUndeploy",
    TAG,
    "FileUndeployCollectionResponse",
    { status: 202, request: "FileUndeployRequest" },
  ),
});

/** The state of a path: as deployed, changed since, or absent. */
export const FILE_STATES = ["in-sync", "drifted", "missing"] as const;

/** `node.file.status`: whether a path holds what osapi deployed there. */
export const fileStatus = defineOperation({
  type: "node.file.status",
  kind: "query",
  permission: "file:read",
  summary: "Deployment status of a file on the target nodes",
  input: z.strictObject({ path: deployPath }),
  result: z.looseObject({
    path: z.string(),
    state: z.enum(FILE_STATES).meta({
      description: "in-sync: as osapi deployed it; drifted: content, mode or owner changed " +
        "since (or not deployed by osapi); missing: no file there",
    }),
    managed: z.boolean().meta({ description: "osapi deployed a file at this path" }),
    object_name: z.string().optional(),
    sha256: z.string().optional().meta({ description: "hex SHA-256 of the file on disk" }),
    mode: z.string().optional(),
    owner: z.string().optional(),
    group: z.string().optional(),
    deployed_at: z.string().optional(),
  }),
  routes: [
    nodeRoute("post", "file/status", "PostNodeFileStatus", TAG, "FileStatusCollectionResponse", {
      request: "FileStatusRequest",
    }),
  ],
  cli: { command: ["node", "file", "status"], args: ["path"] },
  provider: "file_status",
});

/** Checked inputs of the file operations. */
export type FileDeployInput = z.output<typeof fileDeploy.input>;
export type FilePathInput = z.output<typeof fileUndeploy.input>;
