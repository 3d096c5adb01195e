/** `system.status.get`: host name, uptime, load, memory, disks and OS in one result. */
import { statusGet as statusGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";
import { type DiskInfo, readDisks } from "./disk.ts";
import { type LoadAverage, readLoad } from "./load.ts";
import { type MemoryInfo, readMemory } from "./memory.ts";
import { type OsInfo, readOs } from "./os.ts";
import { readUptime } from "./uptime.ts";

/** Output of {@link statusGet}: OSAPI's SystemStatusResponse. */
export interface SystemStatus {
  hostname: string;
  uptime?: string;
  uptime_seconds?: number;
  load_average?: LoadAverage;
  memory?: MemoryInfo;
  disks?: DiskInfo[];
  os_info?: OsInfo;
  /** Sections that could not be read, with the reason; absent when all were read. */
  errors?: Record<string, string>;
}

/** Reads every section of the status; a section that fails is reported in `errors`. */
export async function readStatus(signal?: AbortSignal): Promise<SystemStatus> {
  const [uptime, load, memory, disks, os] = await Promise.allSettled([
    readUptime(),
    readLoad(),
    readMemory(),
    readDisks(signal),
    readOs(),
  ]);
  signal?.throwIfAborted();
  const status: SystemStatus = { hostname: Deno.hostname() };
  const errors: Record<string, string> = {};
  const take = <T>(name: string, r: PromiseSettledResult<T>, set: (v: T) => void) => {
    if (r.status === "fulfilled") set(r.value);
    else errors[name] = r.reason instanceof Error ? r.reason.message : String(r.reason);
  };
  take("uptime", uptime, (v) => {
    status.uptime = v.uptime;
    status.uptime_seconds = v.uptime_seconds;
  });
  take("load_average", load, (v) => status.load_average = v);
  take("memory", memory, (v) => status.memory = v);
  take("disks", disks, (v) => status.disks = v);
  take("os_info", os, (v) => status.os_info = v);
  if (Object.keys(errors).length > 0) status.errors = errors;
  return status;
}

/** Reports the whole status of the host. */
export const statusGet = provide(statusGetOp, (_input, ctx) => readStatus(ctx.signal));

export default statusGet;
