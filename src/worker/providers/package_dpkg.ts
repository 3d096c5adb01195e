/**
 * The host's packages through dpkg and apt. On the live system (root "/") dpkg and apt work as
 * usual; on another root dpkg gets `--root` (its database is `<root>/var/lib/dpkg`) and apt
 * `-o Dir=<root>`, and packages install only from local `.deb` files. A host with rpm instead
 * of dpkg is told so (osapi drives dpkg/apt only).
 */
import { OperationInputError } from "../../core/job.ts";
import { PermanentProviderError } from "../permanent.ts";
import { exists, findOnPath, runProcess } from "./process.ts";
import { isLiveRoot, rootPath } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** An installed package, with OSAPI's field names. */
export interface PackageInfo {
  name: string;
  version: string;
  description?: string;
  status: string;
  size?: number;
}

/** An available update. */
export interface UpdateInfo {
  name: string;
  current_version: string;
  new_version: string;
}

const QUERY_FORMAT =
  "${Package}\\t${Version}\\t${db:Status-Status}\\t${Installed-Size}\\t${binary:Summary}\\n";

/** Long-running package tools (downloads, maintainer scripts) get ten minutes. */
const TOOL_TIMEOUT_MS = 10 * 60_000;

/** The dpkg database directory of `root`. */
export function adminDir(root: string): string {
  return rootPath(root, "var/lib/dpkg");
}

/**
 * Checks that `root` has a dpkg database and the dpkg tools are on PATH; otherwise throws an
 * error saying what the host has instead (rpm) or lacks.
 */
export async function requireDpkg(root: string): Promise<void> {
  if (await exists(rootPath(adminDir(root), "status")) && await findOnPath("dpkg-query")) return;
  const rpm = await exists(rootPath(root, "var/lib/rpm")) || await findOnPath("rpm") !== undefined;
  throw new PermanentProviderError(
    rpm
      ? "this host uses rpm: osapi manages dpkg/apt packages only (rpm/dnf are not supported yet)"
      : "no dpkg package database on this host (var/lib/dpkg/status under its root)",
  );
}

/** Runs a package tool; a non-zero exit throws with the tool's last lines of stderr. */
async function run(argv: string[], ctx: ProviderContext): Promise<string> {
  const r = await runProcess({
    argv,
    env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
    timeoutMs: TOOL_TIMEOUT_MS,
    signal: ctx.signal,
  });
  if (r.exit_code !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-5).join("; ");
    throw new PermanentProviderError(
      `${argv[0].split("/").pop()} failed (exit ${r.exit_code}): ${why}`,
    );
  }
  return r.stdout;
}

/** Parses dpkg-query lines of {@link QUERY_FORMAT}; packages not installed are left out. */
export function parsePackages(text: string): PackageInfo[] {
  const out: PackageInfo[] = [];
  for (const line of text.split("\n")) {
    const [name, version, status, size, description] = line.split("\t");
    if (!name || !status || status === "not-installed") continue;
    const kib = Number(size);
    out.push({
      name,
      version: version ?? "",
      ...(description ? { description } : {}),
      status,
      ...(size && Number.isInteger(kib) ? { size: kib * 1024 } : {}),
    });
  }
  return out;
}

/** The packages dpkg knows under `ctx.root` (all, or `name` only), not-installed ones left out. */
export async function queryPackages(ctx: ProviderContext, name?: string): Promise<PackageInfo[]> {
  await requireDpkg(ctx.root);
  const r = await runProcess({
    argv: [
      "dpkg-query",
      `--admindir=${adminDir(ctx.root)}`,
      "--show",
      `--showformat=${QUERY_FORMAT}`,
      ...(name ? ["--", name] : []),
    ],
    env: { LC_ALL: "C" },
    timeoutMs: 60_000,
    signal: ctx.signal,
  });
  // exit 1 with a name: dpkg-query knows no such package
  if (r.exit_code !== 0 && !(name && r.exit_code === 1)) {
    throw new PermanentProviderError(
      `dpkg-query failed (exit ${r.exit_code}): ${r.stderr.trim().slice(0, 500)}`,
    );
  }
  return parsePackages(r.stdout);
}

/** The package `name` when it is installed (dpkg state "installed"). */
export async function installed(
  ctx: ProviderContext,
  name: string,
): Promise<PackageInfo | undefined> {
  return (await queryPackages(ctx, name)).find((p) => p.name === name && p.status === "installed");
}

/** dpkg's argv for `ctx.root`: `--root` and its own log file off the live system. */
function dpkg(ctx: ProviderContext, ...args: string[]): string[] {
  if (isLiveRoot(ctx.root)) return ["dpkg", ...args];
  return [
    "dpkg",
    `--root=${ctx.root}`,
    `--log=${rootPath(ctx.root, "var/log/dpkg.log")}`,
    ...args,
  ];
}

/** apt's argv for `ctx.root`: `-o Dir=<root>` (and no sandbox user) off the live system. */
function apt(ctx: ProviderContext, tool: string, ...args: string[]): string[] {
  if (isLiveRoot(ctx.root)) return [tool, ...args];
  return [tool, "-o", `Dir=${ctx.root}`, "-o", "APT::Sandbox::User=root", ...args];
}

/** The Package and Version fields of a .deb file. */
export async function debFields(
  file: string,
  ctx: ProviderContext,
): Promise<{ name: string; version: string }> {
  if (!await exists(file)) {
    throw new OperationInputError(`no file ${file} on this host`, "file");
  }
  const [name, version] = (await run(["dpkg-deb", "--field", file, "Package", "Version"], ctx))
    .split("\n").map((l) => l.replace(/^[A-Za-z]+:\s*/, "").trim());
  return { name, version };
}

/**
 * Installs `name`, from `file` when given (dpkg -i), else from the repositories with apt-get
 * (the live system only). Returns false when it was installed already (with the file's
 * version).
 */
export async function installPackage(
  name: string,
  file: string | undefined,
  ctx: ProviderContext,
): Promise<boolean> {
  await requireDpkg(ctx.root);
  const current = await installed(ctx, name);
  if (file) {
    const deb = await debFields(file, ctx);
    if (deb.name !== name) {
      throw new OperationInputError(`${file} holds package ${deb.name}, not ${name}`, "file");
    }
    if (current?.version === deb.version) return false;
    ctx.signal.throwIfAborted();
    await run(dpkg(ctx, "--install", file), ctx);
  } else {
    if (current) return false;
    if (!isLiveRoot(ctx.root)) {
      throw new OperationInputError(
        `installing ${name} from the repositories needs the live system (this worker's root is ` +
          `${ctx.root}); give file: a .deb on the host`,
        "name",
      );
    }
    await run(apt(ctx, "apt-get", "install", "--yes", "--no-install-recommends", "--", name), ctx);
  }
  ctx.log.info("package installed", { name, ...(file ? { file } : {}), root: ctx.root });
  return true;
}

/** Removes `name` (its configuration files stay); false when it was not installed. */
export async function removePackage(name: string, ctx: ProviderContext): Promise<boolean> {
  if (!await installed(ctx, name)) return false;
  ctx.signal.throwIfAborted();
  const live = isLiveRoot(ctx.root) && await findOnPath("apt-get");
  await run(
    live ? apt(ctx, "apt-get", "remove", "--yes", "--", name) : dpkg(ctx, "--remove", name),
    ctx,
  );
  ctx.log.info("package removed", { name, root: ctx.root });
  return true;
}

/** What the package lists directory holds: names, sizes and times (to tell a change). */
async function listsSignature(root: string): Promise<string> {
  const dir = rootPath(root, "var/lib/apt/lists");
  const rows: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || e.name === "lock") continue;
      const s = await Deno.stat(`${dir}/${e.name}`);
      rows.push(`${e.name}:${s.size}:${s.mtime?.getTime()}`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return rows.sort().join("\n");
}

/** Checks that apt is on PATH and configured under `root`. */
async function requireApt(root: string): Promise<void> {
  await requireDpkg(root);
  if (!await findOnPath("apt-get") || !await exists(rootPath(root, "etc/apt"))) {
    throw new PermanentProviderError(
      "apt is not set up on this host (no apt-get or no etc/apt under its root)",
    );
  }
}

/**
 * Refreshes the package lists (`apt-get update`); a source that cannot be fetched is an error
 * naming it. Returns whether the lists changed.
 */
export async function updateSources(ctx: ProviderContext): Promise<boolean> {
  await requireApt(ctx.root);
  if (!isLiveRoot(ctx.root)) {
    for (const d of ["var/lib/apt/lists/partial", "var/cache/apt/archives/partial"]) {
      await Deno.mkdir(rootPath(ctx.root, d), { recursive: true });
    }
  }
  const before = await listsSignature(ctx.root);
  const r = await runProcess({
    argv: apt(ctx, "apt-get", "--quiet", "update"),
    env: { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
    timeoutMs: TOOL_TIMEOUT_MS,
    signal: ctx.signal,
  });
  const failed = r.stderr.split("\n").filter((l) => /^(?:E: |W: Failed to fetch )/.test(l));
  if (r.exit_code !== 0 || failed.length > 0) {
    throw new PermanentProviderError(
      `apt-get update failed (exit ${r.exit_code}): ${
        (failed.length ? failed : [r.stderr.trim()]).join("; ").slice(0, 800)
      }`,
    );
  }
  const changed = await listsSignature(ctx.root) !== before;
  if (changed) ctx.log.info("package sources updated", { root: ctx.root });
  return changed;
}

const UPGRADABLE = /^([a-z0-9][a-z0-9+.-]+)\/\S+ (\S+) \S+ \[upgradable from: ([^\]]+)\]$/;

/** Parses `apt list --upgradable` output (the "Listing..." line and warnings are skipped). */
export function parseUpgradable(text: string): UpdateInfo[] {
  const out: UpdateInfo[] = [];
  for (const line of text.split("\n")) {
    const m = UPGRADABLE.exec(line.trim());
    if (m) out.push({ name: m[1], current_version: m[3], new_version: m[2] });
  }
  return out;
}

/** The packages with a newer version in the package lists (`apt list --upgradable`). */
export async function availableUpdates(ctx: ProviderContext): Promise<UpdateInfo[]> {
  await requireApt(ctx.root);
  return parseUpgradable(await run(apt(ctx, "apt", "list", "--upgradable"), ctx));
}
