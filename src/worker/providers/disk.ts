/** `system.disk.get`: usage of the mounted local file systems, from `df -P -T -B1 -l`. */
import { diskGet as diskGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";
import { runProcess } from "./process.ts";

/** One mounted file system: OSAPI's DiskResponse (name, total, used, free) and more. */
export interface DiskInfo {
  /** Device or source, e.g. "/dev/sda1". */
  name: string;
  /** Mount point, e.g. "/". */
  mount: string;
  /** File system type, e.g. "ext4". */
  fstype: string;
  /** Bytes. */
  total: number;
  used: number;
  /** Bytes available to unprivileged users. */
  free: number;
}

/** Output of {@link diskGet}. */
export interface DisksResult {
  disks: DiskInfo[];
}

/** File system types that hold no disk data and are left out. */
export const PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  "autofs",
  "binfmt_misc",
  "bpf",
  "cgroup",
  "cgroup2",
  "configfs",
  "debugfs",
  "devpts",
  "devtmpfs",
  "efivarfs",
  "fusectl",
  "hugetlbfs",
  "mqueue",
  "nsfs",
  "proc",
  "pstore",
  "ramfs",
  "securityfs",
  "squashfs",
  "sysfs",
  "tmpfs",
  "tracefs",
]);

const DF_LINE = /^(.+?)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(\/.*)$/;

/**
 * The disks from the output of `df -P -T -B1`: one per mount point (the last mounted wins),
 * pseudo file systems and zero-sized ones left out.
 */
export function parseDf(text: string): DiskInfo[] {
  const byMount = new Map<string, DiskInfo>();
  for (const line of text.split("\n").slice(1)) {
    const m = DF_LINE.exec(line.trimEnd());
    if (!m) continue;
    const [, name, fstype, total, used, free, mount] = m;
    if (PSEUDO_FS_TYPES.has(fstype) || Number(total) === 0) continue;
    byMount.set(mount, {
      name,
      mount,
      fstype,
      total: Number(total),
      used: Number(used),
      free: Number(free),
    });
  }
  return [...byMount.values()];
}

/** Runs `df` on this host (10 s at most) and returns the local disks. */
export async function readDisks(signal?: AbortSignal): Promise<DiskInfo[]> {
  const r = await runProcess({
    argv: ["df", "-P", "-T", "-B1", "-l"],
    env: { LC_ALL: "C" },
    timeoutMs: 10_000,
    signal,
  });
  // df exits 1 when one file system could not be read but still prints the others.
  if (r.timed_out || (r.exit_code !== 0 && r.stdout === "")) {
    throw new Error(
      `df failed${r.timed_out ? " (timed out)" : ""}: ${r.stderr.trim() || `exit ${r.exit_code}`}`,
    );
  }
  return parseDf(r.stdout);
}

/** Reports disk usage per mounted local file system. */
export const diskGet = provide(
  diskGetOp,
  async (_input, ctx): Promise<DisksResult> => ({ disks: await readDisks(ctx.signal) }),
);

export default diskGet;
