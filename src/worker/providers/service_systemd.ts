/**
 * systemd services. On the live system (root "/") services are read and driven through
 * `systemctl`, which needs a running systemd (else every such call fails with "systemd is not
 * running on this host"). On another root the unit files of `<root>/etc/systemd/system` are
 * listed, enabled and disabled with `systemctl --root`, which needs no running systemd; start,
 * stop and restart act on the live system only. Unit files osapi writes carry a header line and
 * only those are rewritten or deleted.
 */
import { OperationInputError } from "../../core/job.ts";
import { type ServiceAction, UNIT_SUFFIXES, unitContent } from "../../core/operations/service.ts";
import { sourceContent } from "./object_content.ts";
import { PermanentProviderError } from "../permanent.ts";
import { findOnPath, runProcess } from "./process.ts";
import {
  isLiveRoot,
  readTextIfExists,
  removeIfExists,
  rootPath,
  serialized,
  systemdRunning,
  writeTextAtomic,
} from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** A service, with OSAPI's field names. */
export interface ServiceInfo {
  name: string;
  status?: string;
  enabled?: boolean;
  description?: string;
  pid?: number;
}

/** The first line of every unit file osapi writes. */
export const MANAGED_HEADER =
  "# Managed by osapi (its service API); changes made here may be overwritten.";

/** The unit name of `name`: `.service` appended when it has no unit type suffix. */
export function unitName(name: string): string {
  return UNIT_SUFFIXES.some((s) => name.endsWith(s) && name.length > s.length)
    ? name
    : `${name}.service`;
}

/** The path of unit `unit` under `root`'s `/etc/systemd/system`. */
export function unitPath(root: string, unit: string): string {
  return rootPath(root, "etc/systemd/system", unit);
}

const NOT_RUNNING = "systemd is not running on this host";

/** The error of a failed systemctl run (its `--root` left out of the message). */
function failure(args: string[], r: { exit_code: number; stderr: string }): Error {
  return new PermanentProviderError(
    `systemctl ${
      args.filter((a) => !a.startsWith("--root=")).join(" ")
    } failed (exit ${r.exit_code}): ${r.stderr.trim().slice(0, 500)}`,
  );
}

/** Runs systemctl; a non-zero exit throws with its stderr. */
async function systemctl(ctx: ProviderContext, ...args: string[]): Promise<string> {
  const r = await systemctlRaw(ctx, ...args);
  if (r.exit_code !== 0) throw failure(args, r);
  return r.stdout;
}

async function systemctlRaw(ctx: ProviderContext, ...args: string[]) {
  if (!await findOnPath("systemctl")) {
    throw new PermanentProviderError("systemctl is not installed on this host");
  }
  return await runProcess({
    argv: ["systemctl", ...args],
    env: { LC_ALL: "C", SYSTEMD_PAGER: "", SYSTEMD_COLORS: "0" },
    timeoutMs: 90_000,
    signal: ctx.signal,
  });
}

/** Throws unless this worker acts on the live system and systemd runs it. */
export async function requireLiveSystemd(ctx: ProviderContext, what: string): Promise<void> {
  if (!isLiveRoot(ctx.root)) {
    throw new PermanentProviderError(
      `${what} acts on the live system only (this worker's root is ${ctx.root})`,
    );
  }
  if (!await systemdRunning()) throw new PermanentProviderError(NOT_RUNNING);
}

/** The `Description=` of a unit file's text. */
export function unitDescription(text: string): string | undefined {
  return /^\s*Description\s*=\s*(.*?)\s*$/m.exec(text)?.[1] || undefined;
}

interface UnitFileRow {
  unit_file: string;
  state: string;
}

/** Unit files systemctl knows under `ctx.root` (`--root` off the live system). */
async function unitFiles(ctx: ProviderContext, ...patterns: string[]): Promise<UnitFileRow[]> {
  const root = isLiveRoot(ctx.root) ? [] : [`--root=${ctx.root}`];
  const args = [
    ...root,
    "list-unit-files",
    "--output=json",
    "--no-pager",
    ...(patterns.length ? ["--", ...patterns] : ["--type=service"]),
  ];
  const r = await systemctlRaw(ctx, ...args);
  // exit 1 with an empty list: no unit file matched
  const rows = r.exit_code <= 1 && r.stdout.trim().startsWith("[")
    ? JSON.parse(r.stdout) as UnitFileRow[]
    : undefined;
  if (rows && (r.exit_code === 0 || rows.length === 0)) return rows;
  throw failure(args, r);
}

const isEnabled = (state: string) => /^(enabled|enabled-runtime|static|alias|linked)/.test(state);

interface UnitRow {
  unit: string;
  active: string;
  sub: string;
  description: string;
}

/** The services of the host: running ones' state on the live system, unit files elsewhere. */
export async function listServices(ctx: ProviderContext): Promise<ServiceInfo[]> {
  if (isLiveRoot(ctx.root)) {
    if (!await systemdRunning()) throw new PermanentProviderError(NOT_RUNNING);
    const units = JSON.parse(
      await systemctl(ctx, "list-units", "--type=service", "--all", "--output=json", "--no-pager"),
    ) as UnitRow[];
    const files = new Map((await unitFiles(ctx)).map((f) => [f.unit_file, f.state]));
    return units.map((u) => ({
      name: u.unit,
      status: u.active,
      ...(files.has(u.unit) ? { enabled: isEnabled(files.get(u.unit)!) } : {}),
      ...(u.description ? { description: u.description } : {}),
    }));
  }
  const out: ServiceInfo[] = [];
  for (const f of await unitFiles(ctx)) {
    out.push(await fileInfo(ctx, f.unit_file, f.state));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A unit file's info off the live system: name, enabled and description. */
async function fileInfo(ctx: ProviderContext, unit: string, state: string): Promise<ServiceInfo> {
  const text = await readTextIfExists(unitPath(ctx.root, unit)).catch(() => undefined);
  const description = text ? unitDescription(text) : undefined;
  return { name: unit, enabled: isEnabled(state), ...(description ? { description } : {}) };
}

const notFound = (unit: string) => new OperationInputError(`no unit ${unit} on this host`, "name");

/** One service (`systemctl show` on the live system, its unit file elsewhere). */
export async function getService(name: string, ctx: ProviderContext): Promise<ServiceInfo> {
  const unit = unitName(name);
  if (isLiveRoot(ctx.root)) {
    if (!await systemdRunning()) throw new PermanentProviderError(NOT_RUNNING);
    const props = Object.fromEntries(
      (await systemctl(
        ctx,
        "show",
        "--property=Id,LoadState,ActiveState,UnitFileState,Description,MainPID",
        "--",
        unit,
      )).split("\n").filter((l) => l.includes("=")).map((l) => {
        const at = l.indexOf("=");
        return [l.slice(0, at), l.slice(at + 1)];
      }),
    );
    if (props.LoadState === "not-found") throw notFound(unit);
    const pid = Number(props.MainPID);
    return {
      name: props.Id || unit,
      status: props.ActiveState,
      enabled: isEnabled(props.UnitFileState ?? ""),
      ...(props.Description ? { description: props.Description } : {}),
      ...(pid > 0 ? { pid } : {}),
    };
  }
  const row = (await unitFiles(ctx, unit)).find((f) => f.unit_file === unit);
  if (!row) throw notFound(unit);
  return await fileInfo(ctx, unit, row.state);
}

/**
 * Checks a unit file's text with `systemd-analyze verify` when it is installed (commands
 * missing on this host are allowed: they may be deployed later). Throws naming the problems.
 */
export async function verifyUnit(
  unit: string,
  text: string,
  ctx: ProviderContext,
  field = "content",
): Promise<void> {
  if (!await findOnPath("systemd-analyze")) return;
  const dir = await Deno.makeTempDir({ prefix: "osapi-unit-" });
  try {
    await Deno.writeTextFile(`${dir}/${unit}`, text);
    const r = await runProcess({
      argv: ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no", `${dir}/${unit}`],
      env: { LC_ALL: "C", SYSTEMD_LOG_COLOR: "0" },
      timeoutMs: 30_000,
      signal: ctx.signal,
    });
    if (r.exit_code === 0) return;
    const problems = r.stderr.split("\n").map((l) => l.replace(`${dir}/`, "").trim())
      .filter((l) => l && !/ is not executable: /.test(l));
    if (problems.length === 0) return;
    throw new OperationInputError(
      `unit file ${unit} does not verify: ${problems.join("; ").slice(0, 800)}`,
      field,
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The text osapi writes for `content`: the header line, then the content (one final newline). */
export function managedText(content: string): string {
  return `${MANAGED_HEADER}\n${content.endsWith("\n") ? content : `${content}\n`}`;
}

/** Reloads systemd's units on the live system when systemd runs. */
async function reload(ctx: ProviderContext): Promise<void> {
  if (isLiveRoot(ctx.root) && await systemdRunning()) await systemctl(ctx, "daemon-reload");
}

/**
 * Writes unit `name` with the `content` or `object` of `input`. `mode` "create" refuses a unit osapi manages with other
 * text; "update" refuses a unit osapi does not manage; both refuse a unit file osapi did not
 * write. Returns whether the file changed.
 */
export async function writeUnit(
  name: string,
  input: { content?: string; object?: string },
  mode: "create" | "update",
  ctx: ProviderContext,
): Promise<boolean> {
  const unit = unitName(name);
  const path = unitPath(ctx.root, unit);
  const content = await sourceContent(
    ctx,
    input.object,
    input.content,
    unitContent,
    "a unit file's text",
  );
  const text = managedText(content!);
  const changed = await serialized(path, async () => {
    const current = await readTextIfExists(path);
    if (current === text) return false;
    if (current !== undefined && !current.startsWith(MANAGED_HEADER)) {
      throw new OperationInputError(`unit ${unit} exists and is not managed by osapi`, "name");
    }
    if (current === undefined && mode === "update") {
      throw new OperationInputError(`no unit ${unit} managed by osapi on this host`, "name");
    }
    if (current !== undefined && mode === "create") {
      throw new OperationInputError(
        `unit ${unit} exists with other content; change it with PUT /api/node/{hostname}/service/${name}`,
        "name",
      );
    }
    await verifyUnit(unit, text, ctx, input.object === undefined ? "content" : "object");
    ctx.signal.throwIfAborted();
    await writeTextAtomic(path, text);
    return true;
  });
  if (changed) {
    await reload(ctx);
    ctx.log.info("unit file written", { unit, root: ctx.root });
  }
  return changed;
}

/** Deletes unit `name` osapi manages (disabled first); false when there is none. */
export async function deleteUnit(name: string, ctx: ProviderContext): Promise<boolean> {
  const unit = unitName(name);
  const path = unitPath(ctx.root, unit);
  const removed = await serialized(path, async () => {
    const current = await readTextIfExists(path);
    if (current === undefined) return false;
    if (!current.startsWith(MANAGED_HEADER)) {
      throw new OperationInputError(`unit ${unit} is not managed by osapi`, "name");
    }
    if (!isLiveRoot(ctx.root) || await systemdRunning()) {
      await setEnabled(unit, false, ctx);
    }
    return await removeIfExists(path);
  });
  if (removed) {
    await reload(ctx);
    ctx.log.info("unit file deleted", { unit, root: ctx.root });
  }
  return removed;
}

/** `systemctl [--root] is-enabled`: the unit's enablement state, or undefined if it has none. */
async function enabledState(unit: string, ctx: ProviderContext): Promise<string | undefined> {
  const root = isLiveRoot(ctx.root) ? [] : [`--root=${ctx.root}`];
  const r = await systemctlRaw(ctx, ...root, "is-enabled", "--", unit);
  const state = r.stdout.trim();
  return state || undefined;
}

/** Enables or disables `unit`; returns whether its state changed. */
async function setEnabled(unit: string, enable: boolean, ctx: ProviderContext): Promise<boolean> {
  const before = await enabledState(unit, ctx);
  if (before === undefined) throw notFound(unit);
  if (enable === isEnabled(before)) return false;
  const root = isLiveRoot(ctx.root) ? [] : [`--root=${ctx.root}`];
  await systemctl(ctx, ...root, enable ? "enable" : "disable", "--", unit);
  return true;
}

/** Runs `action` on service `name`; returns whether the host changed. */
export async function serviceAction(
  name: string,
  action: ServiceAction,
  ctx: ProviderContext,
): Promise<boolean> {
  const unit = unitName(name);
  if (action === "enable" || action === "disable") {
    if (isLiveRoot(ctx.root) && !await systemdRunning()) {
      throw new PermanentProviderError(NOT_RUNNING);
    }
    const changed = await setEnabled(unit, action === "enable", ctx);
    if (changed) ctx.log.info(`unit ${action}d`, { unit, root: ctx.root });
    return changed;
  }
  await requireLiveSystemd(ctx, `service ${action}`);
  const active = (await systemctlRaw(ctx, "is-active", "--", unit)).stdout.trim() === "active";
  if (action === "start" && active) return false;
  if (action === "stop" && !active) return false;
  await systemctl(ctx, action, "--", unit);
  ctx.log.info(`service ${action}`, { unit });
  return true;
}
