/**
 * `system.*`: read-only host facts (hostname, status, uptime, OS, disks, memory, load), at
 * OSAPI's older `/system/*` paths and its current `/api/node/{hostname}/*` ones.
 */
import { z } from "zod";
import { type CliDef, defineOperation, type OperationDef, type RouteDef } from "./define.ts";

const bytes = (description: string) => z.number().meta({ description: `${description} (bytes)` });

/** Load averages over 1, 5 and 15 minutes. */
export const LoadAverage = z.looseObject({
  "1min": z.number(),
  "5min": z.number(),
  "15min": z.number(),
}).meta({ id: "LoadAverage" });

/** Memory usage in bytes. */
export const Memory = z.looseObject({
  total: bytes("installed memory"),
  free: bytes("unused memory"),
  used: bytes("memory in use"),
}).meta({ id: "Memory" });

/** One mounted file system. */
export const Disk = z.looseObject({
  name: z.string().optional().meta({ description: "device or mount, e.g. /dev/sda1" }),
  total: z.number().optional(),
  used: z.number().optional(),
  free: z.number().optional(),
}).meta({ id: "Disk" });

/** Distribution and version. */
export const OsInfo = z.looseObject({
  distribution: z.string().optional(),
  version: z.string().optional(),
}).meta({ id: "OsInfo" });

const noInput = z.strictObject({}).meta({ description: "No input." });

/** The byte-count fields of memory and disk results (shown as KiB/MiB/GiB by the CLI). */
const SIZES = [
  "total",
  "free",
  "used",
  "available",
  "buffers",
  "cached",
  "swap_total",
  "swap_free",
];

/** How a `system.*` query is served under OSAPI's current `/api/node/{hostname}` paths. */
interface NodePath {
  /** Path after `/api/node/{hostname}` ("" for the node's status). */
  path: string;
  operationId: string;
  collection: string;
  tag?: string;
  /** The result nested under this key in each item (OSAPI's item shape). */
  nest?: string;
}

/**
 * A `system.<name>.get` query served at `GET /system/<name>` (`system:read`) and at
 * `GET /api/node/{hostname}<path>` (`node:read`, OSAPI's current API).
 */
function systemQuery<const N extends string>(
  name: N,
  summary: string,
  result: z.ZodObject,
  node: NodePath,
  cli: Pick<CliDef, "expand" | "bytes"> = {},
): OperationDef<typeof noInput> {
  const title = name[0].toUpperCase() + name.slice(1);
  return defineOperation({
    type: `system.${name}.get`,
    kind: "query",
    permission: "system:read",
    summary,
    input: noInput,
    result,
    routes: [
      {
        method: "get",
        path: `/system/${name}`,
        operationId: `GetSystem${title}`,
        tags: ["System"],
        collection: `System${title}Collection`,
      },
      {
        method: "get",
        path: `/api/node/{hostname}${node.path}`,
        operationId: node.operationId,
        tags: [node.tag ?? "Node_Management_API_node_operations"],
        collection: node.collection,
        permission: "node:read",
        ...(node.nest ? { nest: node.nest } : {}),
      } satisfies RouteDef,
    ],
    cli: { command: ["system", name], ...cli },
    provider: name,
  });
}

/** `system.hostname.get`. */
export const hostnameGet = systemQuery(
  "hostname",
  "Host name of the target hosts",
  z.looseObject({ labels: z.record(z.string(), z.string()).optional() }),
  {
    path: "/hostname",
    operationId: "GetNodeHostname",
    collection: "HostnameCollectionResponse",
    tag: "Hostname_Management_API_hostname_operations",
  },
);

/** `system.status.get`. */
export const statusGet = systemQuery(
  "status",
  "Overall status: host name, uptime, load, memory, disks, OS",
  z.looseObject({
    uptime: z.string().optional(),
    load_average: LoadAverage.optional(),
    memory: Memory.optional(),
    disks: z.array(Disk).optional(),
    os_info: OsInfo.optional(),
  }),
  {
    path: "",
    operationId: "GetNodeStatus",
    collection: "NodeStatusCollectionResponse",
    tag: "Node_Management_API_node_status",
  },
  { bytes: SIZES },
);

/** `system.uptime.get`. */
export const uptimeGet = systemQuery(
  "uptime",
  "Time since boot",
  z.looseObject({
    uptime: z.string().optional().meta({ example: "0 days, 4 hours, 1 minute" }),
    uptime_seconds: z.number().optional(),
  }),
  { path: "/uptime", operationId: "GetNodeUptime", collection: "UptimeCollectionResponse" },
);

/** `system.os.get`. */
export const osGet = systemQuery(
  "os",
  "Operating system distribution and version",
  z.looseObject({ distribution: z.string().optional(), version: z.string().optional() }),
  {
    path: "/os",
    operationId: "GetNodeOS",
    collection: "OSInfoCollectionResponse",
    nest: "os_info",
  },
);

/** `system.disk.get`. */
export const diskGet = systemQuery(
  "disk",
  "Usage of mounted filesystems",
  z.looseObject({ disks: z.array(Disk).optional() }),
  { path: "/disk", operationId: "GetNodeDisk", collection: "DiskCollectionResponse" },
  { expand: "disks", bytes: SIZES },
);

/** `system.memory.get`. */
export const memoryGet = systemQuery(
  "memory",
  "Memory usage",
  z.looseObject({
    total: z.number().optional(),
    free: z.number().optional(),
    used: z.number().optional(),
  }),
  {
    path: "/memory",
    operationId: "GetNodeMemory",
    collection: "MemoryCollectionResponse",
    nest: "memory",
  },
  { bytes: SIZES },
);

/** `system.load.get`. */
export const loadGet = systemQuery(
  "load",
  "Load averages over 1, 5 and 15 minutes",
  z.looseObject({
    "1min": z.number().optional(),
    "5min": z.number().optional(),
    "15min": z.number().optional(),
  }),
  {
    path: "/load",
    operationId: "GetNodeLoad",
    collection: "LoadCollectionResponse",
    nest: "load_average",
  },
);
