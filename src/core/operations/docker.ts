/**
 * `node.docker.*`: containers and images of the host's Docker Engine, through its API socket
 * (`/var/run/docker.sock` under the provider's root): list, inspect, create, remove, start,
 * stop, exec in a container; pull and remove images. A host without the socket answers that
 * docker is not available there.
 */
import { z } from "zod";
import type { Permission } from "../permissions.ts";
import type { JobKind } from "../job.ts";
import { bool, int, isHostName, isIpAddress, str, strList } from "./fields.ts";
import { defineOperation, type InputSchema, type RouteDef } from "./define.ts";
import { nodeRoute } from "./node_ops.ts";

const TAG = "Docker_Management_API_docker_operations";
const IMAGE_TAG = "Docker_Management_API_docker_image";
const EXEC_TAG = "Docker_Management_API_docker_exec";

/** A container id or name (OSAPI's pattern). */
export const containerId = str({
  description: "Container id or name: letters, digits, _ . -, starting with a letter or digit.",
  minLength: 1,
  maxLength: 128,
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
  hint: "letters, digits, _ . -, starting with a letter or digit",
  example: "my-nginx",
});

const NAME_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REF = new RegExp(
  `^(?:sha256:[a-f0-9]{64}|(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?/)?` +
    `${NAME_PART}(?:/${NAME_PART})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?` +
    `(?:@sha256:[a-f0-9]{64})?)$`,
);

/** An image reference (`[registry/]name[:tag][@digest]`) or image id (`sha256:<hex>`). */
export const imageRef = str({
  description: 'Image reference, e.g. "nginx:latest", "docker.io/library/alpine:3.18", or an ' +
    'image id "sha256:<64 hex>".',
  minLength: 1,
  maxLength: 255,
  pattern: IMAGE_REF,
  hint: "[registry/]name[:tag][@sha256:digest] in lower case, or sha256:<64 hex>",
  example: "nginx:latest",
});

const envEntry = str({
  maxLength: 4096,
  pattern: /^[A-Za-z_][A-Za-z0-9_]*=.*$/s,
  hint: "KEY=VALUE",
});
const envList = strList(envEntry, {
  description: "Environment variables, KEY=VALUE.",
  maxItems: 100,
});
const argv = (min: number) =>
  strList(str({ maxLength: 4096 }), {
    description: "The command, one argument per item (no shell).",
    ...(min > 0 ? { minItems: min } : {}),
    maxItems: 256,
  });

const absPath = /^\/(?:[^:\0/]+\/?)*$/;
const noDotDot = (p: string) => !p.split("/").some((c) => c === "." || c === "..");

const port = str({
  maxLength: 64,
  pattern: /^(?:(?:\d{1,3}\.){3}\d{1,3}:)?\d{1,5}:\d{1,5}(?:\/(?:tcp|udp))?$/,
  hint: "host_port:container_port[/tcp|udp], optionally ip:host_port:container_port",
});
const volume = str({
  maxLength: 4096,
  pattern: /^\/[^:\0]*:\/[^:\0]*(?::(?:ro|rw))?$/,
  hint: "/host/path:/container/path[:ro|rw]",
}).refine((v) => v.split(":").slice(0, 2).every((p) => absPath.test(p) && noDotDot(p)), {
  error: "paths must be absolute and normalized (no . or .. components)",
});
const dnsServer = str({ maxLength: 45 }).refine(isIpAddress, { error: "must be an IP address" });
const hostname = str({ description: "Container hostname.", minLength: 1, maxLength: 253 })
  .refine(isHostName, { error: "must be a host name (RFC 1123)" });
const workingDir = str({
  description: "Working directory inside the container (absolute).",
  maxLength: 4096,
  pattern: /^\/[^\0]*$/,
  hint: "an absolute path",
}).refine(noDotDot, { error: "must be normalized (no . or .. components)" });

/** A boolean also given as "true"/"false" (query parameters). */
const flag = (description: string) =>
  z.union([bool(), z.enum(["true", "false"]).transform((v) => v === "true")], {
    error: (iss) => `must be true or false (got ${JSON.stringify(iss.input)})`,
  }).meta({ description });

/** An integer also given as digits (query parameters). */
const count = (o: { description: string; min: number; max: number }) =>
  z.union([int(o), z.string().regex(/^[0-9]{1,6}$/).transform(Number).pipe(int(o))], {
    error: (iss) =>
      `must be an integer between ${o.min} and ${o.max} (got ${JSON.stringify(iss.input)})`,
  }).meta({ description: o.description });

const summary = {
  id: z.string(),
  name: z.string().optional(),
  image: z.string().optional(),
  state: z.string().optional(),
  created: z.string().optional(),
};

/** One container of a list. */
export const DockerSummary = z.looseObject(summary);

const action = z.looseObject({
  id: z.string(),
  message: z.string(),
  changed: z.boolean(),
});

const idInput = z.strictObject({ id: containerId });

/** A docker operation `node.docker.<name>` (CLI `node docker <words>`). */
function dockerOp<const In extends InputSchema>(
  name: string,
  o: {
    kind: JobKind;
    permission: Permission;
    summary: string;
    input: In;
    result: z.ZodObject;
    route: RouteDef;
    words?: string[];
    args?: string[];
  },
) {
  return defineOperation({
    type: `node.docker.${name}`,
    kind: o.kind,
    permission: o.permission,
    summary: o.summary,
    input: o.input,
    result: o.result,
    routes: [o.route],
    cli: {
      command: ["node", "docker", ...(o.words ?? [name])],
      args: o.args ?? Object.keys(o.input.shape).filter((k) => k === "id" || k === "image"),
    },
    provider: `docker_${name}`,
  });
}

const base = "container/docker";
/** A route at `container/docker/{id}<suffix>`; modify routes answer 202 as OSAPI's. */
const idRoute = (
  method: RouteDef["method"],
  suffix: string,
  operationId: string,
  collection: string,
  extra: Partial<RouteDef> = {},
) =>
  nodeRoute(method, `${base}/{id}${suffix}`, operationId, TAG, collection, {
    params: { id: "id" },
    ...(method === "get" ? {} : { status: 202 }),
    ...extra,
  });

/** `node.docker.list`: the host's containers. */
export const dockerList = dockerOp("list", {
  kind: "query",
  permission: "docker:read",
  summary: "List the containers of the target nodes",
  input: z.strictObject({
    state: z.enum(["running", "stopped", "all"], {
      error: (iss) => `must be one of running, stopped, all (got ${JSON.stringify(iss.input)})`,
    }).optional().meta({ description: "Containers in this state (default all)." }),
    limit: count({ description: "At most this many (default 20).", min: 1, max: 100 }).optional(),
  }),
  result: z.looseObject({ containers: z.array(DockerSummary) }),
  route: nodeRoute("get", base, "GetNodeContainerDocker", TAG, "DockerListCollectionResponse"),
});

/** `node.docker.get`: one container in detail. */
export const dockerGet = dockerOp("get", {
  kind: "query",
  permission: "docker:read",
  summary: "Inspect a container of the target nodes",
  input: idInput,
  result: z.looseObject({
    ...summary,
    ports: z.array(z.string()).optional(),
    mounts: z.array(z.string()).optional(),
    env: z.array(z.string()).optional(),
    network_settings: z.record(z.string(), z.string()).optional(),
    health: z.string().optional(),
  }),
  route: idRoute("get", "", "GetNodeContainerDockerByID", "DockerDetailCollectionResponse"),
});

/** `node.docker.create`: a new container (started unless `auto_start` is false). */
export const dockerCreate = dockerOp("create", {
  kind: "modify",
  permission: "docker:write",
  summary: "Create a container on the target nodes",
  input: z.strictObject({
    image: imageRef,
    name: containerId.optional(),
    hostname: hostname.optional(),
    dns: strList(dnsServer, { description: "DNS servers of the container.", maxItems: 8 })
      .optional(),
    command: argv(0).optional(),
    env: envList.optional(),
    ports: strList(port, { description: "Port mappings host_port:container_port.", maxItems: 64 })
      .optional(),
    volumes: strList(volume, { description: "Bind mounts /host:/container.", maxItems: 64 })
      .optional(),
    auto_start: bool("Start the container once created (default true).").optional(),
  }).meta({
    description: "Creates a container from a local image; unchanged when a container of this " +
      "name already exists from the same image.",
  }),
  result: z.looseObject({ ...summary, changed: z.boolean() }),
  route: nodeRoute("post", base, "PostNodeContainerDocker", TAG, "DockerResultCollectionResponse", {
    status: 202,
    request: "DockerCreateRequest",
  }),
  args: ["image"],
});

/** `node.docker.delete`: removes a container. */
export const dockerDelete = dockerOp("delete", {
  kind: "modify",
  permission: "docker:write",
  summary: "Remove a container from the target nodes",
  input: z.strictObject({
    id: containerId,
    force: flag("Remove it even when it runs.").optional(),
  }),
  result: action,
  route: idRoute("delete", "", "DeleteNodeContainerDockerByID", "DockerActionCollectionResponse"),
});

/** `node.docker.start`: starts a container. */
export const dockerStart = dockerOp("start", {
  kind: "modify",
  permission: "docker:write",
  summary: "Start a container on the target nodes",
  input: idInput,
  result: action,
  route: idRoute(
    "post",
    "/start",
    "PostNodeContainerDockerStart",
    "DockerActionCollectionResponse",
  ),
});

/** `node.docker.stop`: stops a container (killed after `timeout` seconds). */
export const dockerStop = dockerOp("stop", {
  kind: "modify",
  permission: "docker:write",
  summary: "Stop a container on the target nodes",
  input: z.strictObject({
    id: containerId,
    timeout: int({ description: "Seconds before it is killed (default 10).", min: 0, max: 300 })
      .optional(),
  }),
  result: action,
  route: idRoute("post", "/stop", "PostNodeContainerDockerStop", "DockerActionCollectionResponse", {
    request: "DockerStopRequest",
  }),
});

/** `node.docker.exec`: runs a command in a running container. */
export const dockerExec = dockerOp("exec", {
  kind: "modify",
  permission: "docker:execute",
  summary: "Run a command in a container of the target nodes",
  input: z.strictObject({
    id: containerId,
    command: argv(1),
    env: envList.optional(),
    working_dir: workingDir.optional(),
  }),
  result: z.looseObject({
    stdout: z.string(),
    stderr: z.string(),
    exit_code: z.number().int(),
    changed: z.boolean(),
  }),
  route: idRoute("post", "/exec", "PostNodeContainerDockerExec", "DockerExecCollectionResponse", {
    request: "DockerExecRequest",
    tags: [EXEC_TAG],
  }),
  args: ["id", "command"],
});

/** `node.docker.pull`: pulls an image. */
export const dockerPull = dockerOp("pull", {
  kind: "modify",
  permission: "docker:write",
  summary: "Pull an image on the target nodes",
  input: z.strictObject({ image: imageRef }),
  result: z.looseObject({
    image_id: z.string(),
    tag: z.string(),
    size: z.number().int().optional(),
    changed: z.boolean(),
  }),
  route: nodeRoute(
    "post",
    `${base}/pull`,
    "PostNodeContainerDockerPull",
    IMAGE_TAG,
    "DockerPullCollectionResponse",
    {
      status: 202,
      request: "DockerPullRequest",
    },
  ),
});

/** `node.docker.image_delete`: removes an image. */
export const dockerImageDelete = dockerOp("image_delete", {
  kind: "modify",
  permission: "docker:write",
  summary: "Remove an image from the target nodes",
  input: z.strictObject({
    image: imageRef,
    force: flag("Remove it even when a container uses it.").optional(),
  }),
  result: z.looseObject({ id: z.string(), message: z.string(), changed: z.boolean() }),
  route: nodeRoute(
    "delete",
    `${base}/image/{image}`,
    "DeleteNodeContainerDockerImage",
    IMAGE_TAG,
    "DockerActionCollectionResponse",
    {
      params: { image: "image" },
      status: 202,
    },
  ),
  words: ["image", "delete"],
});

/** Checked inputs of the docker operations. */
export type DockerListInput = z.output<typeof dockerList.input>;
export type DockerCreateInput = z.output<typeof dockerCreate.input>;
export type DockerExecInput = z.output<typeof dockerExec.input>;
