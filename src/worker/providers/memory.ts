/** `system.memory.get`: memory usage in bytes, from /proc/meminfo. */
import { memoryGet as memoryGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";

/** Output of {@link memoryGet}: OSAPI's MemoryResponse (total, free, used) and more. */
export interface MemoryInfo {
  total: number;
  /** Unused memory (MemFree). */
  free: number;
  /** total - available. */
  used: number;
  /** Memory available to new programs without swapping (MemAvailable). */
  available: number;
  buffers: number;
  cached: number;
  swap_total: number;
  swap_free: number;
}

/** Memory figures in bytes from the text of /proc/meminfo (values there are in kB). */
export function parseMeminfo(text: string): MemoryInfo {
  const kb = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1], Number(m[2]) * 1024);
  }
  const total = kb.get("MemTotal");
  const free = kb.get("MemFree");
  if (total === undefined || free === undefined) {
    throw new Error("/proc/meminfo has no MemTotal or MemFree");
  }
  const buffers = kb.get("Buffers") ?? 0;
  const cached = kb.get("Cached") ?? 0;
  // Kernels before 3.14 have no MemAvailable: estimate it as `free` used to.
  const available = Math.min(kb.get("MemAvailable") ?? free + buffers + cached, total);
  return {
    total,
    free,
    used: total - available,
    available,
    buffers,
    cached,
    swap_total: kb.get("SwapTotal") ?? 0,
    swap_free: kb.get("SwapFree") ?? 0,
  };
}

/** Reads the memory figures of this host. */
export async function readMemory(path = "/proc/meminfo"): Promise<MemoryInfo> {
  return parseMeminfo(await Deno.readTextFile(path));
}

/** Reports memory usage. */
export const memoryGet = provide(memoryGetOp, () => readMemory());

export default memoryGet;
