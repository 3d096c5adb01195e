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

/**
 * A hardened unit: dedicated user, NoNewPrivileges, ProtectSystem=strict, ReadWritePaths for
 * the state and store directories, Restart=on-failure. Every component runs as the dedicated
 * user; the worker additionally keeps CAP_NET_RAW for ping.
 */
export function systemdUnit(component: UnitComponent, config: Config, opts: UnitOptions): string {
  const { args, description } = COMMANDS[component];
  const base = "/var/lib/osapi";
  const writable = new Set<string>([absolute(dataDir(config), base)]);
  if (component === "serve" || component === "nats") writable.add(absolute(storeDir(config), base));
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
    "WorkingDirectory=/var/lib/osapi",
    "Environment=XDG_DATA_HOME=/var/lib",
    "Environment=XDG_CACHE_HOME=/var/cache",
    "CacheDirectory=osapi",
    "NoNewPrivileges=true",
    "ProtectSystem=strict",
    `ReadWritePaths=${[...writable].join(" ")}`,
    "ProtectHome=true",
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
