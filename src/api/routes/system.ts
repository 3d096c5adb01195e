/** `/system/*`: read-only host facts (hostname, status, uptime, OS, disks, memory, load). */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import { operation, type OperationType } from "../../job/operations.ts";
import { securedRoute } from "../route.ts";
import { collectionBody, runOperation } from "../run_job.ts";
import { collection, hostFields, TargetQuery } from "../schemas.ts";

const LoadAverage = z.looseObject({
  "1min": z.number(),
  "5min": z.number(),
  "15min": z.number(),
}).openapi("LoadAverage");

const Memory = z.looseObject({
  total: z.number().openapi({ description: "bytes" }),
  free: z.number().openapi({ description: "bytes" }),
  used: z.number().openapi({ description: "bytes" }),
}).openapi("Memory");

const Disk = z.looseObject({
  name: z.string().optional().openapi({ description: "device or mount, e.g. /dev/sda1" }),
  total: z.number().optional(),
  used: z.number().optional(),
  free: z.number().optional(),
}).openapi("Disk");

const OsInfo = z.looseObject({
  distribution: z.string().optional(),
  version: z.string().optional(),
}).openapi("OsInfo");

/** Per-host items of each system operation. */
const ITEMS = {
  hostname: z.looseObject({
    ...hostFields,
    labels: z.record(z.string(), z.string()).optional(),
  }).openapi("HostnameResult"),
  status: z.looseObject({
    ...hostFields,
    uptime: z.string().optional(),
    load_average: LoadAverage.optional(),
    memory: Memory.optional(),
    disks: z.array(Disk).optional(),
    os_info: OsInfo.optional(),
  }).openapi("SystemStatusResult"),
  uptime: z.looseObject({
    ...hostFields,
    uptime: z.string().optional().openapi({ example: "0 days, 4 hours, 1 minute" }),
    uptime_seconds: z.number().optional(),
  }).openapi("UptimeResult"),
  os: z.looseObject({
    ...hostFields,
    distribution: z.string().optional(),
    version: z.string().optional(),
  }).openapi("OsResult"),
  disk: z.looseObject({ ...hostFields, disks: z.array(Disk).optional() }).openapi("DiskResult"),
  memory: z.looseObject({
    ...hostFields,
    total: z.number().optional(),
    free: z.number().optional(),
    used: z.number().optional(),
  }).openapi("MemoryResult"),
  load: z.looseObject({
    ...hostFields,
    "1min": z.number().optional(),
    "5min": z.number().optional(),
    "15min": z.number().optional(),
  }).openapi("LoadResult"),
};

type SystemName = keyof typeof ITEMS;

const SUMMARIES: Record<SystemName, string> = {
  hostname: "Host name of the target hosts",
  status: "Overall status: host name, uptime, load, memory, disks, OS",
  uptime: "Time since boot",
  os: "Operating system distribution and version",
  disk: "Usage of mounted filesystems",
  memory: "Memory usage",
  load: "Load averages over 1, 5 and 15 minutes",
};

/** Registers the `/system/*` routes. */
export function registerSystemRoutes(app: ApiApp, deps: AppDeps): void {
  for (const name of Object.keys(ITEMS) as SystemName[]) {
    const title = name[0].toUpperCase() + name.slice(1);
    const type = `system.${name}.get` as OperationType;
    const route = securedRoute(operation(type).permission, {
      method: "get",
      path: `/system/${name}`,
      operationId: `GetSystem${title}`,
      tags: ["System"],
      summary: SUMMARIES[name],
      description: `Runs \`${type}\` on the target hosts and returns one result per host.`,
      request: { query: TargetQuery },
      responses: {
        200: {
          description: "one result per host",
          content: {
            "application/json": { schema: collection(ITEMS[name], `System${title}Collection`) },
          },
        },
      },
    });
    app.openapi(route, async (c) => {
      const { target_hostname } = c.req.valid("query");
      const result = await runOperation(deps, c, type, {}, target_hostname);
      return c.json(collectionBody(result, name === "disk" ? "disks" : "data"), 200);
    });
  }
}
