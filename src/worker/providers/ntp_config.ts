/**
 * The NTP client of a root and the servers osapi manages for it: chrony (when `<root>/etc/chrony`
 * exists) through `etc/chrony/sources.d/osapi.sources`, else systemd-timesyncd (when
 * `<root>/etc/systemd` exists) through `etc/systemd/timesyncd.conf.d/osapi.conf`. On the live
 * system the client is told (`chronyc reload sources`, a timesyncd restart) and its status read.
 */
import { OperationInputError } from "../../core/job.ts";
import { PermanentProviderError } from "../permanent.ts";
import { findOnPath } from "./process.ts";
import { isLiveRoot, runTool, systemdRunning } from "./root.ts";
import { readTextIfExists, removeIfExists, rootPath, serialized, writeTextAtomic } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** The NTP clients osapi manages. */
export type NtpBackend = "chrony" | "timesyncd";

/** Where each backend keeps its configuration, relative to the root. */
export const NTP_FILES = {
  chrony: {
    dir: "etc/chrony",
    main: "etc/chrony/chrony.conf",
    dropins: "etc/chrony/sources.d",
    managed: "etc/chrony/sources.d/osapi.sources",
  },
  timesyncd: {
    dir: "etc/systemd",
    main: "etc/systemd/timesyncd.conf",
    dropins: "etc/systemd/timesyncd.conf.d",
    managed: "etc/systemd/timesyncd.conf.d/osapi.conf",
  },
} as const;

const HEADER = "# Managed by osapi (its NTP API); changes made here may be overwritten.\n";

const isDir = (path: string) => Deno.stat(path).then((s) => s.isDirectory, () => false);

/** The NTP client of `root`; throws when it has neither chrony nor systemd. */
export async function detectBackend(root: string): Promise<NtpBackend> {
  if (await isDir(rootPath(root, NTP_FILES.chrony.dir))) return "chrony";
  if (await isDir(rootPath(root, NTP_FILES.timesyncd.dir))) return "timesyncd";
  throw new PermanentProviderError(
    "no NTP client on this host (neither /etc/chrony nor /etc/systemd exists)",
  );
}

/** The servers of chrony directives (`server`, `pool`, `peer`) in `text`, in order. */
export function parseChronySources(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const m = /^\s*(?:server|pool|peer)\s+(\S+)/.exec(raw);
    if (m) out.push(m[1]);
  }
  return out;
}

/**
 * The `NTP=` list of timesyncd files' texts, applied in order: each assignment adds to the
 * list, an empty one resets it (systemd's rule for list settings).
 */
export function parseTimesyncdNtp(texts: string[]): string[] {
  let out: string[] = [];
  for (const text of texts) {
    let inTime = false;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (line.startsWith("[")) inTime = line === "[Time]";
      const m = inTime ? /^NTP\s*=(.*)$/.exec(line) : null;
      if (!m) continue;
      const list = m[1].trim().split(/\s+/).filter((s) => s !== "");
      out = list.length === 0 ? [] : [...out, ...list];
    }
  }
  return out;
}

/** The managed file's text for `servers`. */
export function renderManaged(backend: NtpBackend, servers: string[]): string {
  return backend === "chrony"
    ? HEADER + servers.map((s) => `server ${s} iburst\n`).join("")
    : `${HEADER}[Time]\nNTP=\nNTP=${servers.join(" ")}\n`;
}

/** The servers of the managed file, or undefined when osapi manages none. */
export async function readManaged(
  root: string,
  backend: NtpBackend,
): Promise<string[] | undefined> {
  const text = await readTextIfExists(rootPath(root, NTP_FILES[backend].managed));
  if (text === undefined) return undefined;
  return backend === "chrony" ? parseChronySources(text) : parseTimesyncdNtp([text]);
}

/** The texts of the `*.<ext>` files of `dir`, by name. */
async function dropins(dir: string, ext: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(ext)) names.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  names.sort();
  return await Promise.all(names.map((n) => Deno.readTextFile(`${dir}/${n}`)));
}

/** Every server the client is configured with (its main file and drop-ins). */
export async function configuredServers(root: string, backend: NtpBackend): Promise<string[]> {
  const f = NTP_FILES[backend];
  const main = await readTextIfExists(rootPath(root, f.main)) ?? "";
  if (backend === "timesyncd") {
    return parseTimesyncdNtp([main, ...await dropins(rootPath(root, f.dropins), ".conf")]);
  }
  const texts = [main, ...await dropins(rootPath(root, f.dropins), ".sources")];
  return texts.flatMap(parseChronySources);
}

/** chrony only reads sources.d when chrony.conf names it: refuse to write a drop-in it ignores. */
async function checkChronySourcedir(root: string): Promise<void> {
  const main = await readTextIfExists(rootPath(root, NTP_FILES.chrony.main));
  if (main === undefined) return;
  if (!/^\s*sourcedir\s+\/etc\/chrony\/sources\.d\/?\s*$/m.test(main)) {
    throw new PermanentProviderError(
      "chrony.conf has no `sourcedir /etc/chrony/sources.d` line: chrony would not read " +
        "osapi's servers (add the line, then retry)",
    );
  }
}

/** Tells the live NTP client about a changed drop-in (failures are logged, not fatal). */
async function applyLive(backend: NtpBackend, ctx: ProviderContext): Promise<void> {
  if (!isLiveRoot(ctx.root)) return;
  try {
    if (backend === "chrony") {
      const chronyc = await findOnPath("chronyc");
      if (chronyc) await runTool([chronyc, "reload", "sources"], ctx.signal);
    } else if (await systemdRunning()) {
      const systemctl = await findOnPath("systemctl");
      if (systemctl) {
        await runTool([systemctl, "try-restart", "systemd-timesyncd.service"], ctx.signal);
      }
    }
  } catch (e) {
    ctx.log.warn("NTP client not reloaded", { backend, error: (e as Error).message });
  }
}

/** What a mutation answers. */
export interface NtpMutation {
  changed: boolean;
  backend: NtpBackend;
}

/**
 * Writes the managed drop-in. `mode` "create" refuses a drop-in with other servers, "update"
 * refuses when there is none; same servers: unchanged.
 */
export async function setManaged(
  servers: string[],
  mode: "create" | "update",
  ctx: ProviderContext,
): Promise<NtpMutation> {
  const backend = await detectBackend(ctx.root);
  const file = rootPath(ctx.root, NTP_FILES[backend].managed);
  const changed = await serialized(file, async () => {
    const current = await readManaged(ctx.root, backend);
    if (current === undefined && mode === "update") {
      throw new OperationInputError(
        "the NTP servers are not managed by osapi on this host (create them with POST)",
        "servers",
      );
    }
    if (current?.join(" ") === servers.join(" ")) return false;
    if (current !== undefined && mode === "create") {
      throw new OperationInputError(
        `the NTP servers are already managed (${current.join(", ")}); change them with PUT`,
        "servers",
      );
    }
    if (backend === "chrony") await checkChronySourcedir(ctx.root);
    ctx.signal.throwIfAborted();
    await writeTextAtomic(file, renderManaged(backend, servers));
    return true;
  });
  if (changed) {
    await applyLive(backend, ctx);
    ctx.log.info("NTP servers set", { backend, servers, root: ctx.root });
  }
  return { changed, backend };
}

/** Removes the managed drop-in; unchanged when there was none. */
export async function deleteManaged(ctx: ProviderContext): Promise<NtpMutation> {
  const backend = await detectBackend(ctx.root);
  const file = rootPath(ctx.root, NTP_FILES[backend].managed);
  const changed = await serialized(file, () => removeIfExists(file));
  if (changed) {
    await applyLive(backend, ctx);
    ctx.log.info("NTP drop-in removed", { backend, root: ctx.root });
  }
  return { changed, backend };
}

/** The synchronisation status of the live client. */
export interface NtpStatus {
  synchronized?: boolean;
  stratum?: number;
  offset?: string;
  current_source?: string;
}

const signed = (seconds: number) => `${seconds >= 0 ? "+" : ""}${seconds}s`;

/** The status in `chronyc -c tracking` output (CSV: ref id, name, stratum, ..., leap status). */
export function parseChronyTracking(text: string): NtpStatus {
  const f = text.trim().split("\n")[0].split(",");
  if (f.length < 14) throw new Error(`unexpected chronyc tracking output: ${text.slice(0, 200)}`);
  const stratum = Number(f[2]);
  return {
    synchronized: f[13] !== "Not synchronised" && stratum > 0,
    stratum,
    offset: signed(Number(f[4])),
    ...(f[1] && stratum > 0 ? { current_source: f[1] } : {}),
  };
}

/** The status in `timedatectl show` and `timedatectl show-timesync` output (KEY=value lines). */
export function parseTimedatectl(show: string, timesync: string): NtpStatus {
  const value = (text: string, key: string) =>
    new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1]?.trim();
  const message = value(timesync, "NTPMessage") ?? "";
  const stratum = /\bStratum=(\d+)/.exec(message)?.[1];
  const offset = /\bOffset=([^,}\s]+)/.exec(message)?.[1];
  const source = value(timesync, "ServerName") || value(timesync, "ServerAddress");
  return {
    synchronized: value(show, "NTPSynchronized") === "yes",
    ...(stratum ? { stratum: Number(stratum) } : {}),
    ...(offset ? { offset } : {}),
    ...(source ? { current_source: source } : {}),
  };
}

/** The live client's status; throws saying why there is none. */
export async function liveStatus(backend: NtpBackend, ctx: ProviderContext): Promise<NtpStatus> {
  if (!isLiveRoot(ctx.root)) {
    throw new Error(`the synchronisation status is live-only (this worker's root is ${ctx.root})`);
  }
  if (backend === "chrony") {
    const chronyc = await findOnPath("chronyc");
    if (!chronyc) throw new Error("chronyc is not installed on this host");
    return parseChronyTracking(await runTool([chronyc, "-c", "tracking"], ctx.signal));
  }
  if (!await systemdRunning()) throw new Error("systemd is not running on this host");
  const timedatectl = await findOnPath("timedatectl");
  if (!timedatectl) throw new Error("timedatectl is not installed on this host");
  const show = await runTool([timedatectl, "show"], ctx.signal);
  const timesync = await runTool([timedatectl, "show-timesync"], ctx.signal).catch(() => "");
  return parseTimedatectl(show, timesync);
}
