/**
 * The sysctl entries osapi manages: one file, `<root>/etc/sysctl.d/99-osapi.conf`, of
 * `key = value` lines; on the live system (root "/") values are applied with `sysctl -w` and
 * read back from `/proc/sys`.
 */
import { OperationInputError } from "../../core/job.ts";
import type { SysctlSetInput } from "../../core/operations/sysctl.ts";
import { findOnPath } from "./process.ts";
import {
  isLiveRoot,
  readTextIfExists,
  removeIfExists,
  rootPath,
  runTool,
  serialized,
  writeTextAtomic,
} from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** The managed file, relative to the root. */
export const SYSCTL_FILE = "etc/sysctl.d/99-osapi.conf";

const HEADER = "# Managed by osapi (its sysctl API); changes made here may be overwritten.\n";

/** One entry: key and value. */
export interface SysctlEntry {
  key: string;
  value: string;
}

/** The entries of a managed file's text, in order (comments and blank lines skipped). */
export function parseSysctlConf(text: string): SysctlEntry[] {
  const out: SysctlEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const at = line.indexOf("=");
    if (at <= 0) continue;
    out.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
  }
  return out;
}

/** The managed file's text for `entries`. */
export function renderSysctlConf(entries: SysctlEntry[]): string {
  return HEADER + entries.map((e) => `${e.key} = ${e.value}\n`).join("");
}

/** The managed entries of the host whose root is `root`. */
export async function readManaged(root: string): Promise<SysctlEntry[]> {
  return parseSysctlConf(await readTextIfExists(rootPath(root, SYSCTL_FILE)) ?? "");
}

/** The `/proc/sys` file of `key` (dots are path separators; the key is already checked). */
export function procSysPath(key: string, procSys = "/proc/sys"): string {
  return rootPath(procSys, ...key.split("."));
}

/** The live value of `key` (blanks normalised to one space), or undefined if it has none. */
export async function readLive(key: string, procSys = "/proc/sys"): Promise<string | undefined> {
  const text = await readTextIfExists(procSysPath(key, procSys)).catch(() => undefined);
  return text?.trim().split(/\s+/).join(" ");
}

/** The value to report for a managed entry: the live one on the live system, else persisted. */
export async function shownValue(entry: SysctlEntry, root: string): Promise<string> {
  return isLiveRoot(root) ? await readLive(entry.key) ?? entry.value : entry.value;
}

/** Sets `key` live with `sysctl -w` (live system only). */
async function applyLive(entry: SysctlEntry, ctx: ProviderContext): Promise<void> {
  if (!isLiveRoot(ctx.root)) return;
  const bin = await findOnPath("sysctl") ?? "/usr/sbin/sysctl";
  await runTool([bin, "-w", `${entry.key}=${entry.value}`], ctx.signal);
}

/** Changes the managed entries with `edit` (serialised per file); returns whether it wrote. */
async function editManaged(
  ctx: ProviderContext,
  edit: (entries: SysctlEntry[]) => SysctlEntry[] | undefined,
): Promise<boolean> {
  const file = rootPath(ctx.root, SYSCTL_FILE);
  return await serialized(file, async () => {
    const next = edit(await readManaged(ctx.root));
    if (!next) return false;
    ctx.signal.throwIfAborted();
    if (next.length === 0) await removeIfExists(file);
    else await writeTextAtomic(file, renderSysctlConf(next));
    return true;
  });
}

const notManaged = (key: string) =>
  new OperationInputError(`sysctl key ${key} is not managed by osapi on this host`, "key");

/**
 * Persists `key = value`. `mode` "create" refuses a key managed with another value; "update"
 * refuses a key not managed. Applies it live when something changed (or the live value
 * differs). Returns whether the host changed.
 */
export async function setManaged(
  input: SysctlSetInput,
  mode: "create" | "update",
  ctx: ProviderContext,
): Promise<boolean> {
  const entry = { key: input.key, value: input.value };
  if (isLiveRoot(ctx.root) && await readLive(entry.key) === undefined) {
    throw new OperationInputError(`sysctl key ${entry.key} does not exist on this host`, "key");
  }
  const wrote = await editManaged(ctx, (entries) => {
    const i = entries.findIndex((e) => e.key === entry.key);
    if (i < 0 && mode === "update") throw notManaged(entry.key);
    if (i >= 0 && entries[i].value === entry.value) return undefined;
    if (i >= 0 && mode === "create") {
      throw new OperationInputError(
        `sysctl key ${entry.key} is already managed with value ${
          JSON.stringify(entries[i].value)
        }; change it with PUT /api/node/{hostname}/sysctl/${entry.key}`,
        "key",
      );
    }
    return i < 0 ? [...entries, entry] : entries.map((e, j) => j === i ? entry : e);
  });
  const liveDiffers = isLiveRoot(ctx.root) &&
    await readLive(entry.key) !== entry.value.split(/\s+/).join(" ");
  if (wrote || liveDiffers) await applyLive(entry, ctx);
  if (wrote || liveDiffers) ctx.log.info("sysctl set", { ...entry, root: ctx.root });
  return wrote || liveDiffers;
}

/** Stops managing `key`; false when it was not managed. The live value is left as it is. */
export async function deleteManaged(key: string, ctx: ProviderContext): Promise<boolean> {
  const wrote = await editManaged(ctx, (entries) => {
    const next = entries.filter((e) => e.key !== key);
    return next.length === entries.length ? undefined : next;
  });
  if (wrote) ctx.log.info("sysctl entry removed", { key, root: ctx.root });
  return wrote;
}

/** The managed entry `key`; throws {@link OperationInputError} when it is not managed. */
export async function getManaged(key: string, root: string): Promise<SysctlEntry> {
  const entry = (await readManaged(root)).find((e) => e.key === key);
  if (!entry) throw notManaged(key);
  return { key, value: await shownValue(entry, root) };
}
