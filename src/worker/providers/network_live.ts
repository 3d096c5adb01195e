/**
 * The live network state of a host through iproute2 (`ip -j addr`, `ip -j route`) and changes
 * to it (`ip addr replace`, `ip route replace`, ...), argv arrays only. The commands can be
 * pointed at a network namespace (`ip -n <netns>`), which is how tests change a namespace of
 * their own and never the host's network.
 */
import { PermanentProviderError } from "../permanent.ts";
import { findOnPath } from "./process.ts";
import { isLiveRoot, runTool } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** Where the network providers act. */
export interface NetworkOptions {
  /**
   * A network namespace (`ip netns add`) to read and change instead of the host's own; live
   * changes are then made in it whatever the root (tests).
   */
  netns?: string;
}

const NETNS = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** One address of `ip -j addr`. */
export interface LiveAddress {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  scope?: string;
}

/** One link of `ip -j addr`. */
export interface LiveLink {
  ifname: string;
  mtu?: number;
  operstate?: string;
  address?: string;
  addr_info?: LiveAddress[];
}

/** One route of `ip -j route`. */
export interface LiveRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  scope?: string;
  type?: string;
  /** Added by {@link IpRunner.routes}: the table the route came from. */
  family?: "inet" | "inet6";
}

/** The iproute2 runner of one job. */
export interface IpRunner {
  /** True when changes may be made (the live root, or a namespace given). */
  readonly live: boolean;
  /** Runs `ip [-n netns] args...` and returns its stdout. */
  run(args: string[]): Promise<string>;
  links(): Promise<LiveLink[]>;
  routes(): Promise<LiveRoute[]>;
}

/** The runner for `opts` and `ctx`; refuses a namespace name that is not a plain name. */
export function ipRunner(opts: NetworkOptions, ctx: ProviderContext): IpRunner {
  if (opts.netns !== undefined && !NETNS.test(opts.netns)) {
    throw new Error(`bad network namespace name ${JSON.stringify(opts.netns)}`);
  }
  let bin: Promise<string> | undefined;
  const run = async (args: string[]) => {
    bin ??= findOnPath("ip").then((b) => b ?? "/usr/sbin/ip");
    const path = await bin;
    try {
      await Deno.stat(path);
    } catch {
      throw new PermanentProviderError("ip (iproute2) is not installed on this host");
    }
    return await runTool(
      [path, ...(opts.netns ? ["-n", opts.netns] : []), ...args],
      ctx.signal,
    );
  };
  const json = async <T>(args: string[]): Promise<T[]> => {
    const text = (await run(["-j", ...args])).trim();
    return text === "" ? [] : JSON.parse(text) as T[];
  };
  return {
    live: opts.netns !== undefined || isLiveRoot(ctx.root),
    run,
    links: () => json<LiveLink>(["addr", "show"]),
    routes: async () => [
      ...(await json<LiveRoute>(["-4", "route", "show", "table", "main"]))
        .map((r) => ({ ...r, family: "inet" as const })),
      ...(await json<LiveRoute>(["-6", "route", "show", "table", "main"]))
        .map((r) => ({ ...r, family: "inet6" as const })),
    ],
  };
}

/** A route destination in CIDR notation (`default` and bare addresses get their prefix). */
export function routeDestination(r: LiveRoute): string {
  const ipv6 = r.family === "inet6";
  if (r.dst === "default") return ipv6 ? "::/0" : "0.0.0.0/0";
  if (r.dst.includes("/")) return r.dst;
  return `${r.dst}/${ipv6 ? 128 : 32}`;
}
