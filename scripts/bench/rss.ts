/** Resident memory of processes from /proc (Linux), and sampling it while load runs. */

/** VmRSS of `pid` in bytes; undefined when the process is gone or /proc is unavailable. */
export async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Direct child process ids of `pid` (over all its threads). */
export async function childPids(pid: number): Promise<number[]> {
  const out = new Set<number>();
  try {
    for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
      const text = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/children`)
        .catch(() => "");
      for (const p of text.trim().split(/\s+/)) if (p) out.add(Number(p));
    }
  } catch { /* gone */ }
  return [...out];
}

/** The command name of `pid` (`/proc/<pid>/comm`). */
export async function commandName(pid: number): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(`/proc/${pid}/comm`)).trim();
  } catch {
    return undefined;
  }
}

/** Samples the RSS of one process every `intervalMs` until stopped; reports the peak. */
export class RssSampler {
  #peak = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly pid: number, readonly intervalMs = 100) {}

  /** Starts sampling (takes one sample at once). */
  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
  }

  #sample(): void {
    readRss(this.pid).then((v) => {
      if (v !== undefined && v > this.#peak) this.#peak = v;
    });
  }

  /** Stops sampling and returns the peak RSS in bytes (0 if nothing was read). */
  async stop(): Promise<number> {
    clearInterval(this.#timer);
    const last = await readRss(this.pid);
    if (last !== undefined && last > this.#peak) this.#peak = last;
    return this.#peak;
  }
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
