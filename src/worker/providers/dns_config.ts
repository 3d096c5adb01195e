/**
 * DNS settings of a network interface, read and written through systemd-resolved's
 * `resolvectl` when it is in use, else through /etc/resolv.conf (global, rewritten atomically).
 * Shared by `network.dns.get`, `network.dns.update` and `network.dns.delete`.
 */
import { exists, findOnPath, runProcess } from "./process.ts";
import { OperationInputError } from "../../core/job.ts";

/** Servers and search domains, OSAPI's field names. */
export interface DnsConfig {
  servers: string[];
  search_domains: string[];
}

/** Where DNS settings live; both backends answer per interface. */
export interface DnsBackend {
  /** "resolvectl" or "resolv.conf". */
  readonly name: string;
  get(iface: string): Promise<DnsConfig>;
  set(iface: string, config: DnsConfig): Promise<void>;
  /** Drops the settings of `iface`, back to the system default. */
  revert(iface: string): Promise<void>;
}

/** Where to look; every path is injectable so tests never touch the host's files. */
export interface DnsOptions {
  /** The resolv.conf to read and rewrite (default /etc/resolv.conf). */
  resolvConfPath?: string;
  /** `resolvectl` to use; null never uses it; absent finds it when systemd-resolved runs. */
  resolvectl?: string | null;
  /** Directory listing the network interfaces (default /sys/class/net). */
  sysClassNet?: string;
}

// ---- resolv.conf ----

function keyword(line: string): string {
  return line.trim().split(/\s+/)[0] ?? "";
}

/** Servers and search domains from resolv.conf text (the last `search`/`domain` line wins). */
export function parseResolvConf(text: string): DnsConfig {
  const servers: string[] = [];
  let search: string[] = [];
  for (const line of text.split("\n")) {
    const [kw, ...rest] = line.trim().split(/\s+/);
    if (kw === "nameserver" && rest[0]) servers.push(rest[0]);
    else if (kw === "search") search = rest.filter((d) => !d.startsWith("#") && !d.startsWith(";"));
    else if (kw === "domain" && rest[0]) search = [rest[0]];
  }
  return { servers, search_domains: search };
}

/**
 * resolv.conf text with `config` in place of its `nameserver` and `search`/`domain` lines;
 * comments, options and other lines are kept where they were.
 */
export function renderResolvConf(text: string, config: DnsConfig): string {
  const ns = config.servers.map((s) => `nameserver ${s}`);
  const search = config.search_domains.length > 0
    ? [`search ${config.search_domains.join(" ")}`]
    : [];
  const out: string[] = [];
  let placedNs = false;
  let placedSearch = false;
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    const kw = keyword(line);
    if (kw === "nameserver") {
      if (!placedNs) out.push(...ns);
      placedNs = true;
    } else if (kw === "search" || kw === "domain") {
      if (!placedSearch) out.push(...search);
      placedSearch = true;
    } else {
      out.push(line);
    }
  }
  if (!placedSearch) out.push(...search);
  if (!placedNs) out.push(...ns);
  return out.join("\n") + "\n";
}

/**
 * Replaces a file's content atomically (temporary file + rename in the same directory, the
 * file's mode kept, a symlink's target replaced). A bind-mounted file (containers) cannot be
 * renamed over; it is then written in place.
 */
export async function replaceFile(path: string, content: string): Promise<void> {
  let target = path;
  let mode = 0o644;
  try {
    target = await Deno.realPath(path);
    mode = (await Deno.stat(target)).mode! & 0o777;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const slash = target.lastIndexOf("/");
  const tmp = `${target.slice(0, slash + 1)}.${
    target.slice(slash + 1)
  }.osapi-${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, content, { mode });
  await Deno.chmod(tmp, mode);
  try {
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    if (!(e instanceof Deno.errors.Busy)) throw e;
    await Deno.writeTextFile(target, content);
  }
}

/** The resolv.conf backend: one global configuration, whatever the interface. */
export function resolvConfBackend(path = "/etc/resolv.conf"): DnsBackend {
  const read = async () => {
    try {
      return await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "";
      throw e;
    }
  };
  return {
    name: "resolv.conf",
    async get() {
      return parseResolvConf(await read());
    },
    async set(_iface, config) {
      await replaceFile(path, renderResolvConf(await read(), config));
    },
    async revert() {
      await replaceFile(path, renderResolvConf(await read(), { servers: [], search_domains: [] }));
    },
  };
}

// ---- resolvectl ----

/** The values after `Link N (iface):` (or `Global:`) in `resolvectl dns|domain` output. */
export function parseResolvectlLine(text: string): string[] {
  const line = text.split("\n").find((l) => /^(Link \d+ \(.*\)|Global):/.test(l)) ?? "";
  const colon = line.indexOf("):") >= 0 ? line.indexOf("):") + 2 : line.indexOf(":") + 1;
  return line.slice(colon).trim().split(/\s+/).filter((v) => v !== "");
}

/** The systemd-resolved backend, through the `resolvectl` program at `bin`. */
export function resolvectlBackend(bin: string, signal?: AbortSignal): DnsBackend {
  const run = async (args: string[]) => {
    const r = await runProcess({
      argv: [bin, ...args],
      env: { LC_ALL: "C", SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" },
      timeoutMs: 10_000,
      signal,
    });
    if (r.exit_code !== 0) {
      throw new Error(`resolvectl ${args[0]} failed: ${r.stderr.trim() || `exit ${r.exit_code}`}`);
    }
    return r.stdout;
  };
  return {
    name: "resolvectl",
    async get(iface) {
      const domains = parseResolvectlLine(await run(["domain", iface]));
      return {
        servers: parseResolvectlLine(await run(["dns", iface])),
        // `~name` entries are routing-only domains, not search domains.
        search_domains: domains.filter((d) => !d.startsWith("~")),
      };
    },
    async set(iface, config) {
      const routing = parseResolvectlLine(await run(["domain", iface])).filter((d) =>
        d.startsWith("~")
      );
      await run(["dns", iface, ...(config.servers.length > 0 ? config.servers : [""])]);
      const domains = [...config.search_domains, ...routing];
      await run(["domain", iface, ...(domains.length > 0 ? domains : [""])]);
    },
    async revert(iface) {
      await run(["revert", iface]);
    },
  };
}

/**
 * The backend for this host: resolvectl when given, or found on PATH while systemd-resolved
 * runs (/run/systemd/resolve exists); else resolv.conf.
 */
export async function chooseDnsBackend(
  opts: DnsOptions,
  signal?: AbortSignal,
): Promise<DnsBackend> {
  let bin = opts.resolvectl;
  if (bin === undefined) {
    bin = await exists("/run/systemd/resolve") ? await findOnPath("resolvectl") : undefined;
  }
  return bin ? resolvectlBackend(bin, signal) : resolvConfBackend(opts.resolvConfPath);
}

/** Throws {@link OperationInputError} unless `iface` is a network interface of this host. */
export async function checkInterface(iface: string, opts: DnsOptions): Promise<void> {
  if (!await exists(`${opts.sysClassNet ?? "/sys/class/net"}/${iface}`)) {
    throw new OperationInputError(`no network interface ${iface} on this host`);
  }
}
