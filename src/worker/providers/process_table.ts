/**
 * The processes of a host, read from `<root>/proc` (the running system's `/proc` when the root
 * is "/"; tests give canned files), with user names from `<root>/etc/passwd`.
 */
import { OperationInputError } from "../../core/job.ts";
import { PermanentProviderError } from "../permanent.ts";
import { readTextIfExists, rootPath } from "./root.ts";

/** One process as the API shows it. */
export interface ProcessInfo {
  pid: number;
  name: string;
  user: string;
  state: string;
  cpu_percent: number;
  mem_percent: number;
  mem_rss: number;
  command: string;
  start_time: string;
}

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

const STATES: Record<string, string> = {
  R: "running",
  S: "sleeping",
  D: "disk-sleep",
  T: "stopped",
  t: "tracing-stop",
  Z: "zombie",
  X: "dead",
  I: "idle",
  P: "parked",
  W: "paging",
};

/** What every process's figures are computed against. */
interface HostClock {
  uptime: number;
  bootTime: number;
  memTotal: number;
  users: Map<string, string>;
}

/** The fields of a `/proc/<pid>/stat` line used here (the name may hold blanks and parens). */
export function parseStat(
  text: string,
): { name: string; state: string; ticks: number; start: number } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime 14, stime 15, starttime 22
  const field = (n: number) => Number(rest[n - 3]);
  if (rest.length < 20) return undefined;
  return {
    name: text.slice(open + 1, close),
    state: rest[0],
    ticks: field(14) + field(15),
    start: field(22),
  };
}

/** uid -> user name of a passwd file's text. */
export function parsePasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [name, , uid] = line.split(":");
    if (name && uid !== undefined && !users.has(uid)) users.set(uid, name);
  }
  return users;
}

/** The `<root>/proc` directory; throws when the root has none. */
async function procDir(root: string): Promise<string> {
  const dir = rootPath(root, "proc");
  const uptime = await readTextIfExists(`${dir}/uptime`);
  if (uptime === undefined) {
    throw new PermanentProviderError(`no /proc on this host (looked in ${dir})`);
  }
  return dir;
}

async function hostClock(root: string, dir: string): Promise<HostClock> {
  const uptime = Number((await Deno.readTextFile(`${dir}/uptime`)).split(/\s+/)[0]);
  const stat = await readTextIfExists(`${dir}/stat`) ?? "";
  const btime = Number(/^btime\s+(\d+)/m.exec(stat)?.[1] ?? Math.round(Date.now() / 1000 - uptime));
  const meminfo = await readTextIfExists(`${dir}/meminfo`) ?? "";
  const memTotal = Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo)?.[1] ?? 0) * 1024;
  const passwd = await readTextIfExists(rootPath(root, "etc/passwd")).catch(() => undefined);
  return { uptime, bootTime: btime, memTotal, users: parsePasswd(passwd ?? "") };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Process `pid` of `dir`, or undefined when it is gone (or went away while being read). */
async function readProcess(
  dir: string,
  pid: number,
  clock: HostClock,
): Promise<ProcessInfo | undefined> {
  const base = `${dir}/${pid}`;
  let stat: string, status: string, cmdline: string;
  try {
    [stat, status, cmdline] = await Promise.all([
      Deno.readTextFile(`${base}/stat`),
      Deno.readTextFile(`${base}/status`),
      Deno.readTextFile(`${base}/cmdline`).catch(() => ""),
    ]);
  } catch {
    return undefined;
  }
  const s = parseStat(stat);
  if (!s) return undefined;
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? "";
  const rss = Number(/^VmRSS:\s+(\d+)\s*kB/m.exec(status)?.[1] ?? 0) * 1024;
  const startSec = s.start / CLK_TCK;
  const alive = clock.uptime - startSec;
  const args = cmdline.split("\0").filter((a) => a !== "");
  return {
    pid,
    name: s.name,
    user: clock.users.get(uid) ?? uid,
    state: STATES[s.state] ?? s.state,
    cpu_percent: alive > 0 ? round((s.ticks / CLK_TCK) / alive * 100) : 0,
    mem_percent: clock.memTotal > 0 ? round(rss / clock.memTotal * 100) : 0,
    mem_rss: rss,
    command: args.length > 0 ? args.join(" ") : `[${s.name}]`,
    start_time: new Date(Math.round((clock.bootTime + startSec) * 1000)).toISOString()
      .replace(/\.\d{3}Z$/, "Z"),
  };
}

/** The answer size kept under the NATS message limit. */
export const MAX_LIST_BYTES = 768 * 1024;

/** The processes of the root's `/proc` by pid, those past `maxBytes` of JSON left out. */
export async function listProcesses(
  root: string,
  maxBytes = MAX_LIST_BYTES,
): Promise<{ processes: ProcessInfo[]; truncated?: boolean }> {
  const dir = await procDir(root);
  const clock = await hostClock(root, dir);
  const pids: number[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^\d+$/.test(e.name)) pids.push(Number(e.name));
  }
  pids.sort((a, b) => a - b);
  const all = await Promise.all(pids.map((pid) => readProcess(dir, pid, clock)));
  const processes: ProcessInfo[] = [];
  let size = 0;
  for (const p of all) {
    if (!p) continue;
    size += JSON.stringify(p).length + 1;
    if (size > maxBytes) return { processes, truncated: true };
    processes.push(p);
  }
  return { processes };
}

/** Process `pid`; throws {@link OperationInputError} when there is none. */
export async function getProcess(root: string, pid: number): Promise<ProcessInfo> {
  const dir = await procDir(root);
  const p = await readProcess(dir, pid, await hostClock(root, dir));
  if (!p) throw new OperationInputError(`no process with pid ${pid} on this host`, "pid");
  return p;
}
