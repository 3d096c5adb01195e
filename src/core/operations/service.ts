/**
 * `node.service.*`: systemd services: list and get, unit files osapi manages under
 * `/etc/systemd/system` (create, update, delete), and start, stop, restart, enable, disable.
 */
import { z } from "zod";
import { str } from "./fields.ts";
import { expanded, nodeDomain } from "./node_ops.ts";
import { addIssues, objectName, sourceIssues } from "./object_source.ts";

const TAG = "Service_Management_API_service_operations";

/** The unit types a name may end with; a name without one is a `.service`. */
export const UNIT_SUFFIXES = [
  ".service",
  ".socket",
  ".timer",
  ".path",
  ".target",
  ".mount",
  ".automount",
  ".slice",
] as const;

/** A unit name: letters, digits, @ . _ -, not starting with . or -. */
export const serviceName = str({
  description: "Unit name, e.g. nginx or nginx.service (no suffix: .service); letters, " +
    "digits, @ . _ -, not starting with . or -.",
  minLength: 1,
  maxLength: 255,
  pattern: /^[A-Za-z0-9@_][A-Za-z0-9@._-]*$/,
  hint: "letters, digits, @ . _ -, not starting with . or -",
  example: "my-app",
});

/** A unit file's text: at most 64 KiB, no NUL, not blank. */
export const unitContent = str({
  description: "osapi: the unit file's text (INI sections such as [Unit], [Service]); or " +
    "give object.",
  minLength: 1,
  maxLength: 65536,
  pattern: /\S/,
  hint: "not blank",
  example: "[Unit]\nDescription=My app\n\n[Service]\nExecStart=/usr/local/bin/my-app\n",
});

const unitObject = objectName.meta({
  description: "Object Store reference for the unit file (a file of POST /api/file); or give " +
    "content.",
  example: "my-app.service",
});

/** A service as systemd reports it. */
export const ServiceInfo = z.looseObject({
  name: z.string(),
  status: z.string().optional().meta({ description: "active state (live system only)" }),
  enabled: z.boolean().optional(),
  description: z.string().optional(),
  pid: z.int().optional().meta({ description: "main process id (running services)" }),
});

const { route, op, get, remove } = nodeDomain("service", "service", "name", TAG);

const mutation = z.looseObject({ name: z.string(), changed: z.boolean() });
const nameInput = z.strictObject({ name: serviceName });

const sourceCheck = (ctx: z.core.ParsePayload<Record<string, unknown>>) =>
  addIssues(ctx, sourceIssues(ctx.value, "content", true));

/** `node.service.list`: the services of the host. */
export const serviceList = expanded(
  op(
    "list",
    "List all services",
    z.strictObject({}).meta({ description: "No input." }),
    z.looseObject({ services: z.array(ServiceInfo) }),
    route("get", false, "GetNodeService", "ServiceListResponse"),
  ),
  "services",
);

/** `node.service.get`: one service. */
export const serviceGet = expanded(
  get(
    "Get service details",
    nameInput,
    z.looseObject({ service: ServiceInfo }),
    "GetNodeServiceByName",
    "ServiceGetResponse",
  ),
  "service",
);

/** `node.service.create`: writes a unit file osapi manages. */
export const serviceCreate = op(
  "create",
  "Create a service unit file",
  z.strictObject({
    name: serviceName,
    content: unitContent.optional(),
    object: unitObject.optional(),
  }).meta({
    description:
      "Writes /etc/systemd/system/<name> with content or the stored file object; unchanged when it holds this text already " +
      "(other text: use PUT; a unit osapi does not manage is refused).",
  }).check(sourceCheck),
  mutation,
  route("post", false, "PostNodeService", "ServiceMutationResponse", {
    request: "ServiceCreateRequest",
  }),
  ["name"],
);

/** `node.service.update`: rewrites a unit file osapi manages. */
export const serviceUpdate = op(
  "update",
  "Update a service unit file",
  z.strictObject({
    name: serviceName,
    content: unitContent.optional(),
    object: unitObject.optional(),
  }).meta({
    description: "Rewrites a unit file osapi manages (content, or the stored file object); " +
      "unchanged when the text is the same.",
  })
    .check(sourceCheck),
  mutation,
  route("put", true, "PutNodeService", "ServiceMutationResponse", {
    request: "ServiceUpdateRequest",
  }),
  ["name"],
);

/** `node.service.delete`: removes a unit file osapi manages. */
export const serviceDelete = remove(
  "Delete a service unit file",
  nameInput,
  mutation,
  "DeleteNodeService",
  "ServiceMutationResponse",
);

const action = (name: string, summary: string, operationId: string) =>
  op(
    name,
    summary,
    nameInput,
    mutation,
    route("post", true, operationId, "ServiceMutationResponse", {
      path: `/api/node/{hostname}/service/{name}/${name}`,
    }),
  );

/** `node.service.start`: starts a service (live system with systemd). */
export const serviceStart = action("start", "Start a service", "PostNodeServiceStart");
/** `node.service.stop`: stops a service (live system with systemd). */
export const serviceStop = action("stop", "Stop a service", "PostNodeServiceStop");
/** `node.service.restart`: restarts a service (live system with systemd). */
export const serviceRestart = action("restart", "Restart a service", "PostNodeServiceRestart");
/** `node.service.enable`: enables a unit (`systemctl [--root] enable`). */
export const serviceEnable = action("enable", "Enable a service", "PostNodeServiceEnable");
/** `node.service.disable`: disables a unit (`systemctl [--root] disable`). */
export const serviceDisable = action("disable", "Disable a service", "PostNodeServiceDisable");

/** The systemd actions on a unit. */
export type ServiceAction = "start" | "stop" | "restart" | "enable" | "disable";
/** Checked input of the unit file writes. */
export type ServiceWriteInput = z.output<typeof serviceCreate.input>;
