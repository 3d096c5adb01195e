/**
 * The cron entries osapi manages, by name: `<root>/etc/cron.d/<name>` (one line: schedule,
 * user, command) or an executable script `<root>/etc/cron.<interval>/<name>`. Only files
 * carrying osapi's marker line are read, changed or removed.
 */
import { OperationInputError } from "../../core/job.ts";
import { CRON_INTERVALS, cronCommand, type CronInterval } from "../../core/operations/cron.ts";
import { sourceContent } from "./object_content.ts";
import { readTextIfExists, removeIfExists, rootPath, serialized, writeTextAtomic } from "./root.ts";
import type { ProviderContext } from "./types.ts";

const MARKER = "# Managed by osapi (its cron API); changes made here may be overwritten.";

/**
 * The command of a create or update input: `command`, or the text of the stored file `object`
 * (one trailing newline dropped) checked as `command` is; undefined when neither is given.
 */
export async function inputCommand(
  ctx: ProviderContext,
  input: { command?: string; object?: string },
): Promise<string | undefined> {
  return await sourceContent(
    ctx,
    input.object,
    input.command,
    cronCommand,
    "the command (one line)",
    (text) => text.replace(/\r?\n$/, ""),
  );
}

/** Where an entry lives: `cron.d` or an interval. */
export type CronSource = "cron.d" | CronInterval;

/** One managed entry. */
export interface CronEntry {
  name: string;
  source: CronSource;
  /** cron.d entries. */
  schedule?: string;
  user?: string;
  /** Interval entries. */
  interval?: CronInterval;
  command: string;
}

const SOURCES: readonly CronSource[] = ["cron.d", ...CRON_INTERVALS];
const dirOf = (source: CronSource) => source === "cron.d" ? "etc/cron.d" : `etc/cron.${source}`;

/** `%` is a newline in a cron.d command unless escaped. */
const escapePercent = (s: string) => s.replace(/%/g, "\\%");
const unescapePercent = (s: string) => s.replace(/\\%/g, "%");

/** The file text of `entry`. */
export function renderCronEntry(entry: CronEntry): string {
  if (entry.source === "cron.d") {
    return `${MARKER}\n${entry.schedule} ${entry.user ?? "root"} ${escapePercent(entry.command)}\n`;
  }
  return `#!/bin/sh\n${MARKER}\n${entry.command}\n`;
}

/** The entry of a managed file's text, or undefined when the file is not osapi's. */
export function parseCronEntry(
  name: string,
  source: CronSource,
  text: string,
): CronEntry | undefined {
  const lines = text.split("\n");
  const at = lines.indexOf(MARKER);
  if (at < 0) return undefined;
  const body = lines.slice(at + 1).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (body.length !== 1) return undefined;
  if (source !== "cron.d") return { name, source, interval: source, command: body[0] };
  const words = body[0].split(" ");
  const n = words[0].startsWith("@") ? 1 : 5;
  if (words.length < n + 2) return undefined;
  return {
    name,
    source,
    schedule: words.slice(0, n).join(" "),
    user: words[n],
    command: unescapePercent(words.slice(n + 1).join(" ")),
  };
}

/** Where `name` may be, with its file text: every source holding a file of that name. */
async function findFiles(
  root: string,
  name: string,
): Promise<{ source: CronSource; path: string; text: string }[]> {
  const out = [];
  for (const source of SOURCES) {
    const path = rootPath(root, dirOf(source), name);
    const text = await readTextIfExists(path);
    if (text !== undefined) out.push({ source, path, text });
  }
  return out;
}

/** Refuses a user that `<root>/etc/passwd` (when there is one) does not list. */
async function checkUser(root: string, user: string): Promise<void> {
  const passwd = await readTextIfExists(rootPath(root, "etc/passwd"));
  if (passwd === undefined || passwd.split("\n").some((l) => l.startsWith(`${user}:`))) return;
  throw new OperationInputError(`user ${user} does not exist on this host`, "user");
}

const notManaged = (name: string, where: string) =>
  new OperationInputError(
    `cron entry ${name} in ${where} is not managed by osapi; it is left as it is`,
    "name",
  );

/** The managed entry `name`, or undefined; a file of that name osapi did not write throws. */
export async function findEntry(root: string, name: string): Promise<CronEntry | undefined> {
  for (const f of await findFiles(root, name)) {
    const entry = parseCronEntry(name, f.source, f.text);
    if (!entry) throw notManaged(name, dirOf(f.source));
    return entry;
  }
  return undefined;
}

/** The managed entry `name`; throws {@link OperationInputError} when there is none. */
export async function getEntry(root: string, name: string): Promise<CronEntry> {
  const entry = await findEntry(root, name);
  if (!entry) throw new OperationInputError(`no cron entry ${name} on this host`, "name");
  return entry;
}

/** Every managed entry, by source then name (files osapi did not write are skipped). */
export async function listEntries(root: string): Promise<CronEntry[]> {
  const out: CronEntry[] = [];
  for (const source of SOURCES) {
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(rootPath(root, dirOf(source)))) {
        if (e.isFile && /^[A-Za-z0-9_-]+$/.test(e.name)) names.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    for (const name of names.sort()) {
      const text = await readTextIfExists(rootPath(root, dirOf(source), name));
      const entry = text === undefined ? undefined : parseCronEntry(name, source, text);
      if (entry) out.push(entry);
    }
  }
  return out;
}

/**
 * Replaces entry `name` with what `edit` returns from the current one (undefined: no entry;
 * returning null removes it), serialised per name. Returns whether a file changed.
 */
export function editEntry(
  ctx: ProviderContext,
  name: string,
  edit: (current: CronEntry | undefined) => CronEntry | null,
): Promise<boolean> {
  return serialized(`cron:${ctx.root}:${name}`, async () => {
    const current = await findEntry(ctx.root, name);
    const next = edit(current);
    if (next?.user !== undefined) await checkUser(ctx.root, next.user);
    const before = current ? renderCronEntry(current) : undefined;
    if (next !== null && current?.source === next.source && before === renderCronEntry(next)) {
      return false;
    }
    if (next === null && !current) return false;
    ctx.signal.throwIfAborted();
    if (next) {
      const path = rootPath(ctx.root, dirOf(next.source), name);
      await writeTextAtomic(path, renderCronEntry(next), next.source === "cron.d" ? 0o644 : 0o755);
    }
    if (current && (!next || current.source !== next.source)) {
      await removeIfExists(rootPath(ctx.root, dirOf(current.source), name));
    }
    ctx.log.info(next ? "cron entry written" : "cron entry removed", {
      name,
      source: next?.source ?? current?.source,
      root: ctx.root,
    });
    return true;
  });
}
