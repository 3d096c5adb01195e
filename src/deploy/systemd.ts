/** Hardened systemd units for each osapi component. */
import type { Config } from "../config/schema.ts";
import { dataDir, storeDir } from "../config/state_layout.ts";

/** The components a unit can be written for. */
export const UNIT_COMPONENTS = ["serve", "nats", "api", "worker"] as const;
/** One of {@link UNIT_COMPONENTS}. */
export type UnitComponent = typeof UNIT_COMPONENTS[number];

/** Options of {@link systemdUnit}. */
export interface UnitOptions {
  /** Absolute path of the osapi binary. */
  binary: string;
  /** Absolute path of the configuration file. */
  configFile: string;
  /** Dedicated system user (and group). */
  user: string;
}

const COMMANDS: Record<UnitComponent, { args: string; description: string }> = {
  serve: { args: "serve", description: "osapi (nats-server, API and worker)" },
  nats: { args: "nats server start", description: "osapi supervised nats-server" },
  api: { args: "api server start", description: "osapi REST API" },
  worker: { args: "job worker start", description: "osapi job worker" },
};

function absolute(path: string, base: string): string {
  return path.startsWith("/") ? path : `${base}/${path.replace(/^\.\//, "")}`;
}

/** The unit's state directory (StateDirectory=osapi), its working directory and XDG_DATA_HOME. */
const STATE_BASE = "/var/lib";
const STATE_DIR = `${STATE_BASE}/osapi`;
/** Paths ProtectHome=true makes inaccessible. */
const HOME_PATHS = ["/home", "/root", "/run/user"];

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * The paths the unit must be able to write, computed with the unit's environment (not the
 * caller's): `data_dir` and the JetStream store (for the server components), where
 * `XDG_DATA_HOME=/var/lib` and relative paths start at the working directory. Paths inside
 * another writable path are left out; paths outside the StateDirectory are marked optional
 * (`-`), so a missing directory leaves it read-only (osapi then names it) instead of failing
 * the unit's namespace set-up.
 */
export function unitWritablePaths(component: UnitComponent, config: Config): string[] {
  const paths = [absolute(dataDir(config, STATE_BASE), STATE_DIR)];
  if (component === "serve" || component === "nats") {
    paths.push(absolute(storeDir(config, STATE_BASE), STATE_DIR));
  }
  const kept = [STATE_DIR];
  for (const p of paths.map((p) => p.replace(/\/+$/, ""))) {
    if (!kept.some((k) => under(p, k))) kept.push(p);
  }
  return kept.map((p) => (under(p, STATE_DIR) ? p : `-${p}`));
}

/**
 * A hardened unit: dedicated user, NoNewPrivileges, ProtectSystem=strict, ReadWritePaths for
 * the state and store directories (see {@link unitWritablePaths}), ProtectHome (read-only
 * when a writable path lies under a home directory), Restart=on-failure. Every component runs
 * as the dedicated user; the worker additionally keeps CAP_NET_RAW for ping.
 */
export function systemdUnit(component: UnitComponent, config: Config, opts: UnitOptions): string {
  const { args, description } = COMMANDS[component];
  const writable = unitWritablePaths(component, config);
  const needed = [...writable.map((p) => p.replace(/^-/, "")), opts.configFile, opts.binary];
  const inHome = needed.some((p) => HOME_PATHS.some((h) => under(p, h)));
  const isWorker = component === "worker" || component === "serve";
  const lines = [
    "[Unit]",
    `Description=${description}`,
    "Documentation=https://github.com/osapi-io/osapi",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `User=${opts.user}`,
    `Group=${opts.user}`,
    `ExecStart=${opts.binary} --config ${opts.configFile} ${args}`,
    "KillSignal=SIGTERM",
    "TimeoutStopSec=30",
    "Restart=on-failure",
    "RestartSec=2s",
    "StateDirectory=osapi",
    "StateDirectoryMode=0700",
    `WorkingDirectory=${STATE_DIR}`,
    `Environment=XDG_DATA_HOME=${STATE_BASE}`,
    "Environment=XDG_CACHE_HOME=/var/cache",
    "CacheDirectory=osapi",
    "NoNewPrivileges=true",
    "ProtectSystem=strict",
    `ReadWritePaths=${writable.join(" ")}`,
    // A state path, the configuration or the binary under /home, /root or /run/user must stay
    // reachable: read-only then, with the ReadWritePaths above still writable.
    `ProtectHome=${inHome ? "read-only" : "true"}`,
    "PrivateTmp=true",
    "PrivateDevices=true",
    "ProtectKernelTunables=true",
    "ProtectKernelModules=true",
    "ProtectControlGroups=true",
    "RestrictSUIDSGID=true",
    "RestrictRealtime=true",
    "LockPersonality=true",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "LimitNOFILE=65536",
    "UMask=0077",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  if (isWorker) {
    // The worker pings (raw sockets) and may update DNS: it gets CAP_NET_RAW, and the DNS
    // files stay writable where they exist ("-": ignored when missing). File permissions still
    // decide; grant the user write access to resolv.conf to allow DNS updates.
    const i = lines.findIndex((l) => l.startsWith("ReadWritePaths="));
    lines[i] += " -/etc/resolv.conf -/run/systemd/resolve";
    lines.splice(i + 1, 0, "AmbientCapabilities=CAP_NET_RAW", "CapabilityBoundingSet=CAP_NET_RAW");
  } else {
    lines.splice(lines.indexOf("NoNewPrivileges=true"), 0, "CapabilityBoundingSet=");
  }
  return lines.join("\n");
}
