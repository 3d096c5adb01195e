/**
 * The systemd journal of a root, read with `journalctl` (argv only): the live system's journal
 * on root "/", else the journal files of `<root>/var/log/journal` (`--directory`). A host without
 * journal files answers "no systemd journal on this host". Answers are kept under
 * {@link MAX_ANSWER_BYTES} (the newest entries win).
 */
import type { LogUnitInput } from "../../core/operations/log.ts";
import { LOG_PRIORITIES } from "../../core/operations/log.ts";
import { PermanentProviderError } from "../permanent.ts";
import { findOnPath, runProcess } from "./process.ts";
import { isLiveRoot, rootPath } from "./root.ts";

/** The answer size kept under the NATS message limit. */
export const MAX_ANSWER_BYTES = 512 * 1024;

/** One entry as the API shows it. */
export interface LogEntry {
  timestamp: string;
  unit?: string;
  identifier?: string;
  priority?: string;
  message: string;
  pid?: number;
  hostname?: string;
}

const FIELDS = [
  "__REALTIME_TIMESTAMP",
  "_SYSTEMD_UNIT",
  "SYSLOG_IDENTIFIER",
  "PRIORITY",
  "MESSAGE",
  "_PID",
  "_HOSTNAME",
];

/** The journal directories of a root: the persistent one, and the volatile one when live. */
export function journalDirs(root: string): string[] {
  const persistent = rootPath(root, "var/log/journal");
  return isLiveRoot(root) ? [persistent, "/run/log/journal"] : [persistent];
}

/** True when `dir` (or a machine directory in it) holds a `*.journal` file. */
async function hasJournalFiles(dir: string, depth = 0): Promise<boolean> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".journal")) return true;
      if (e.isDirectory && depth === 0 && await hasJournalFiles(`${dir}/${e.name}`, 1)) return true;
    }
  } catch {
    // missing or unreadable
  }
  return false;
}

/** The `journalctl` argv of the root, before the query; throws when there is no journal. */
async function journalctl(root: string): Promise<string[]> {
  const dirs = journalDirs(root);
  const found = await Promise.all(dirs.map((d) => hasJournalFiles(d)));
  if (!found.some((f) => f)) {
    throw new PermanentProviderError(
      `no systemd journal on this host (no journal files in ${dirs.join(" or ")})`,
    );
  }
  const bin = await findOnPath("journalctl");
  if (!bin) throw new PermanentProviderError("journalctl is not installed on this host");
  return [bin, "--no-pager", "--quiet", ...(isLiveRoot(root) ? [] : [`--directory=${dirs[0]}`])];
}

/** A `--since` value as journalctl reads it: a bare duration ("1h") means that long ago. */
export function sinceArg(since: string): string {
  return /^\d+ ?[a-z]+$/.test(since) && since !== "now" ? `${since} ago` : since;
}

/** The query arguments of an entries request (every value joined to its option: `--x=v`). */
export function entriesArgs(input: Partial<LogUnitInput> & { lines: number }): string[] {
  return [
    "--output=json",
    `--output-fields=${FIELDS.join(",")}`,
    `--lines=${input.lines}`,
    ...(input.since ? [`--since=${sinceArg(input.since)}`] : []),
    ...(input.priority ? [`--priority=${input.priority}`] : []),
    ...(input.name ? [`--unit=${input.name}`] : []),
  ];
}

/** A journal field's text: a string, or an array of bytes (non-UTF-8 or binary data). */
function fieldText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((b) => typeof b === "number")) {
    return new TextDecoder().decode(new Uint8Array(v));
  }
  return undefined;
}

/** One line of `journalctl -o json` as an entry, or undefined for a line that is not one. */
export function parseJournalLine(line: string): LogEntry | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== "object") return undefined;
  const micros = Number(fieldText(o.__REALTIME_TIMESTAMP));
  if (!Number.isFinite(micros)) return undefined;
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  const timestamp = `${iso.slice(0, 19)}.${String(micros % 1_000_000).padStart(6, "0")}Z`;
  const unit = fieldText(o._SYSTEMD_UNIT);
  const identifier = fieldText(o.SYSLOG_IDENTIFIER);
  const prio = Number(fieldText(o.PRIORITY));
  const pid = Number(fieldText(o._PID));
  const hostname = fieldText(o._HOSTNAME);
  return {
    timestamp,
    ...(unit ? { unit } : {}),
    ...(identifier ? { identifier } : {}),
    ...(Number.isInteger(prio) && LOG_PRIORITIES[prio] ? { priority: LOG_PRIORITIES[prio] } : {}),
    message: fieldText(o.MESSAGE) ?? "",
    ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}),
    ...(hostname ? { hostname } : {}),
  };
}

/** The entries of `journalctl -o json` output, the oldest dropped past `maxBytes`. */
export function parseJournal(
  text: string,
  maxBytes = MAX_ANSWER_BYTES,
): { entries: LogEntry[]; truncated: boolean } {
  const all = text.split("\n").map(parseJournalLine).filter((e): e is LogEntry => !!e);
  let size = 0;
  let first = all.length;
  while (first > 0) {
    const next = JSON.stringify(all[first - 1]).length + 1;
    if (size + next > maxBytes) break;
    size += next;
    first--;
  }
  return { entries: all.slice(first), truncated: first > 0 };
}

async function run(argv: string[], signal: AbortSignal): Promise<string> {
  const r = await runProcess({ argv, timeoutMs: 30_000, signal, maxOutputBytes: 8 << 20 });
  if (r.exit_code !== 0) {
    throw new Error(`journalctl failed (exit ${r.exit_code}): ${r.stderr.trim().slice(0, 500)}`);
  }
  return r.stdout;
}

/** The newest entries of the root's journal matching `input`. */
export async function readEntries(
  root: string,
  input: Partial<LogUnitInput> & { lines: number },
  signal: AbortSignal,
): Promise<{ entries: LogEntry[]; truncated?: boolean }> {
  const out = await run([...await journalctl(root), ...entriesArgs(input)], signal);
  const { entries, truncated } = parseJournal(out);
  return { entries, ...(truncated ? { truncated } : {}) };
}

/** The syslog identifiers of the root's journal, sorted. */
export async function readSources(root: string, signal: AbortSignal): Promise<string[]> {
  const out = await run([...await journalctl(root), "--field=SYSLOG_IDENTIFIER"], signal);
  return [...new Set(out.split("\n").map((s) => s.trim()).filter((s) => s !== ""))].sort();
}
