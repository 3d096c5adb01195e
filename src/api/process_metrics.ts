/**
 * The standard Prometheus `process_*` metrics of this process (those every Prometheus client
 * library exports): CPU time, resident and virtual memory, start time, open and maximum file
 * descriptors. Read at scrape time from `/proc/self` (Linux); where that is missing only what
 * Deno itself tells (resident memory, start time) is reported.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;
/** Page size of `/proc/self/stat`'s rss field (4 KiB on the architectures osapi ships for). */
const PAGE_SIZE = 4096;

/** What `/proc/self/stat` says of this process, or undefined without it. */
export interface ProcStat {
  cpuSeconds: number;
  virtualBytes: number;
  residentBytes: number;
}

/** Parses `/proc/self/stat` text (fields after the command name, which may hold spaces). */
export function parseProcStat(text: string): ProcStat {
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): utime 14, stime 15, vsize 23, rss 24
  const num = (field: number) => Number(f[field - 3]);
  return {
    cpuSeconds: (num(14) + num(15)) / USER_HZ,
    virtualBytes: num(23),
    residentBytes: num(24) * PAGE_SIZE,
  };
}

/** The soft "Max open files" limit of `/proc/self/limits` text, or undefined. */
export function parseMaxFds(text: string): number | undefined {
  const m = /^Max open files\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

const read = (path: string): string | undefined => {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
};

function openFds(): number | undefined {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
    return n;
  } catch {
    return undefined;
  }
}

/** Registers the `process_*` metrics in `registry`. */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const stat = () => {
    const text = read("/proc/self/stat");
    return text ? parseProcStat(text) : undefined;
  };
  new Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds.",
    registers,
    collect() {
      const s = stat();
      this.reset();
      if (s) this.inc(s.cpuSeconds);
      else this.remove();
    },
  });
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers,
    collect() {
      this.set(stat()?.residentBytes ?? Deno.memoryUsage().rss);
    },
  });
  new Gauge({
    name: "process_virtual_memory_bytes",
    help: "Virtual memory size in bytes.",
    registers,
    collect() {
      const s = stat();
      if (s) this.set(s.virtualBytes);
      else this.remove();
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since unix epoch in seconds.",
    registers,
    collect() {
      this.set(Math.floor(performance.timeOrigin / 1000));
    },
  });
  new Gauge({
    name: "process_open_fds",
    help: "Number of open file descriptors.",
    registers,
    collect() {
      const n = openFds();
      if (n !== undefined) this.set(n);
      else this.remove();
    },
  });
  new Gauge({
    name: "process_max_fds",
    help: "Maximum number of open file descriptors.",
    registers,
    collect() {
      const limits = read("/proc/self/limits");
      const n = limits ? parseMaxFds(limits) : undefined;
      if (n !== undefined) this.set(n);
      else this.remove();
    },
  });
}
