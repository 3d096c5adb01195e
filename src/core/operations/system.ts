/** `system.*`: read-only host facts (hostname, status, uptime, OS, disks, memory, load). */
import { z } from "zod";
import { defineOperation, type OperationDef } from "./define.ts";

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

/** A `system.<name>.get` query served at `GET /system/<name>`. */
function systemQuery<const N extends string>(
  name: N,
  summary: string,
  result: z.ZodObject,
  expand?: string,
): OperationDef<typeof noInput> {
  const title = name[0].toUpperCase() + name.slice(1);
  return defineOperation({
    type: `system.${name}.get`,
    kind: "query",
    permission: "system:read",
    summary,
    input: noInput,
    result,
    routes: [{
      method: "get",
      path: `/system/${name}`,
      operationId: `GetSystem${title}`,
      tags: ["System"],
      collection: `System${title}Collection`,
    }],
    cli: { command: ["system", name], ...(expand ? { expand } : {}) },
    provider: name,
  });
}

/** `system.hostname.get`. */
export const hostnameGet = systemQuery(
  "hostname",
  "Host name of the target hosts",
  z.looseObject({ labels: z.record(z.string(), z.string()).optional() }),
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
);

/** `system.uptime.get`. */
export const uptimeGet = systemQuery(
  "uptime",
  "Time since boot",
  z.looseObject({
    uptime: z.string().optional().meta({ example: "0 days, 4 hours, 1 minute" }),
    uptime_seconds: z.number().optional(),
  }),
);

/** `system.os.get`. */
export const osGet = systemQuery(
  "os",
  "Operating system distribution and version",
  z.looseObject({ distribution: z.string().optional(), version: z.string().optional() }),
);

/** `system.disk.get`. */
export const diskGet = systemQuery(
  "disk",
  "Usage of mounted filesystems",
  z.looseObject({ disks: z.array(Disk).optional() }),
  "disks",
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
);
