/**
 * Collects the facts of this host ({@link AgentFacts}): cheap reads of /proc, /etc/os-release
 * and Deno's APIs, plus one `df` of the root file system. Missing sources give defaults, never
 * an error: facts are informative.
 */
import type { AgentFacts, InterfaceFact, RouteFact } from "../core/agent.ts";

async function read(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `KEY=value` pairs of an os-release file (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^["']|["']$/g, "");
  }
  return out;
}

/** Total, available and used bytes from /proc/meminfo. */
export function parseMeminfo(text: string): AgentFacts["memory"] {
  const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  const total = kib("MemTotal") * 1024;
  const free = (kib("MemAvailable") || kib("MemFree")) * 1024;
  return { total, free, used: Math.max(0, total - free) };
}

/** The interfaces of Deno.networkInterfaces(), one entry per name. */
export function interfaceFacts(
  list: { name: string; family: "IPv4" | "IPv6"; address: string; mac: string }[],
): InterfaceFact[] {
  const byName = new Map<string, InterfaceFact>();
  for (const a of list) {
    const f = byName.get(a.name) ?? { name: a.name };
    if (a.family === "IPv4" && f.ipv4 === undefined) f.ipv4 = a.address;
    if (a.family === "IPv6" && f.ipv6 === undefined) f.ipv6 = a.address;
    if (a.mac && a.mac !== "00:00:00:00:00:00") f.mac = a.mac;
    f.family = f.ipv4 && f.ipv6 ? "dual" : f.ipv4 ? "inet" : "inet6";
    byName.set(a.name, f);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A little-endian hex IPv4 address of /proc/net/route as dotted text. */
function hexIp(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join(".");
}

/** The IPv4 routes of a /proc/net/route text. */
export function parseRoutes(text: string): RouteFact[] {
  return text.split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8)
    .map(([iface, dest, gateway, flags, , , metric, mask]) => ({
      destination: hexIp(dest),
      gateway: hexIp(gateway),
      interface: iface,
      mask: `/${parseInt(mask, 16).toString(2).replace(/0/g, "").length}`,
      metric: Number(metric) || 0,
      flags,
    }));
}

async function rootDisk(): Promise<AgentFacts["disk"]> {
  try {
    const out = await new Deno.Command("df", {
      args: ["-Pk", "/"],
      stdout: "piped",
      stderr: "null",
      env: { LC_ALL: "C" },
    }).output();
    if (!out.success) return undefined;
    const line = new TextDecoder().decode(out.stdout).trim().split("\n")[1] ?? "";
    const [, total, used] = line.split(/\s+/).map(Number);
    if (!Number.isFinite(total) || !Number.isFinite(used)) return undefined;
    return { total: total * 1024, used: used * 1024 };
  } catch {
    return undefined;
  }
}

const ARCH: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

/** This host's facts now. */
export async function collectFacts(): Promise<AgentFacts> {
  const [osRelease, meminfo, loadavg, uptime, cpuinfo, disk, systemd, apt, dnf, machineId, route] =
    await Promise.all([
      read("/etc/os-release"),
      read("/proc/meminfo"),
      read("/proc/loadavg"),
      read("/proc/uptime"),
      read("/proc/cpuinfo"),
      rootDisk(),
      exists("/run/systemd/system"),
      exists("/usr/bin/apt-get"),
      exists("/usr/bin/dnf"),
      read("/etc/machine-id"),
      read("/proc/net/route"),
    ]);
  const routes = parseRoutes(route);
  const primary = routes.find((r) => r.destination === "0.0.0.0" && r.mask === "/0")?.interface;
  const os = parseOsRelease(osRelease);
  const [l1, l5, l15] = loadavg.split(/\s+/).map(Number);
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  let interfaces: InterfaceFact[] = [];
  try {
    interfaces = interfaceFacts(Deno.networkInterfaces());
  } catch {
    // no --allow-sys=networkInterfaces: no interfaces
  }
  const hostname = Deno.hostname();
  return {
    collected_at: new Date().toISOString(),
    machine_id: machineId.trim(),
    os_info: { distribution: os.NAME ?? Deno.build.os, version: os.VERSION_ID ?? "" },
    kernel_version: Deno.osRelease(),
    architecture: ARCH[Deno.build.arch] ?? Deno.build.arch,
    cpu_count: navigator.hardwareConcurrency,
    ...(model ? { cpu_model: model } : {}),
    fqdn: hostname,
    uptime_seconds: Number(uptime.split(/\s+/)[0]) || 0,
    load_average: { "1min": l1 || 0, "5min": l5 || 0, "15min": l15 || 0 },
    memory: parseMeminfo(meminfo),
    ...(disk ? { disk } : {}),
    interfaces,
    ...(primary ? { primary_interface: primary } : {}),
    routes,
    ...(systemd ? { service_mgr: "systemd" } : {}),
    ...(apt ? { package_mgr: "apt" } : dnf ? { package_mgr: "dnf" } : {}),
  };
}
