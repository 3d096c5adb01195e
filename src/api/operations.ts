/**
 * The operation types the API accepts and the zod schemas of their data. Domain routes build
 * operations from their request bodies; `POST /job` checks a free-form operation against the
 * same schemas. The worker's providers validate again on the host (they stay authoritative).
 */
import { z } from "@hono/zod-openapi";
import { isIP } from "node:net";

/** Longest accepted command, path or other free-text field. */
export const MAX_TEXT = 4096;
/** Most command arguments accepted. */
export const MAX_ARGS = 256;

const noInput = z.strictObject({});

/** A Linux network interface name (at most 15 characters, no shell or path characters). */
export const InterfaceName = z.string().min(1).max(15).regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, {
  message:
    "interface name must start with a letter or digit and contain only A-Z a-z 0-9 _ . : @ -",
}).openapi({ example: "eth0" });

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IPv4 or IPv6 address. */
export const IpAddress = z.string().max(64).refine((s) => isIP(s) !== 0, {
  message: "expected an IPv4 or IPv6 address",
}).openapi({ example: "8.8.8.8" });

/** An IP address or a DNS host name (never an option such as `-f`). */
export const PingAddress = z.string().min(1).max(253).refine(
  (s) => isIP(s) !== 0 || HOSTNAME.test(s),
  { message: "expected an IPv4/IPv6 address or a DNS host name" },
).openapi({ example: "127.0.0.1" });

/** A DNS search domain. */
export const SearchDomain = z.string().max(253).regex(HOSTNAME, {
  message: "expected a DNS domain name",
});

/** Command timeout in seconds, 1-300 (default 30). */
export const CommandTimeout = z.number().int().min(1).max(300).openapi({
  description: "timeout in seconds (1-300, default 30)",
  example: 30,
});

const Cwd = z.string().min(1).max(MAX_TEXT).regex(/^\//, {
  message: "cwd must be an absolute path",
}).openapi({ description: "working directory (absolute path)", example: "/tmp" });

const Env = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(128),
  z.string().max(MAX_TEXT),
).refine((e) => Object.keys(e).length <= 64, { message: "at most 64 variables" }).openapi({
  description: "environment variables added for the command",
});

/** Input of `network.dns.get`. */
export const DnsGetData = z.strictObject({ interface_name: InterfaceName });

/** Input of `network.dns.update`: servers and/or search domains for an interface. */
export const DnsUpdateData = z.strictObject({
  interface_name: InterfaceName,
  servers: z.array(IpAddress).min(1).max(8).optional(),
  search_domains: z.array(SearchDomain).max(32).optional().openapi({
    description: "search domains; an empty list removes them",
  }),
}).refine((d) => d.servers !== undefined || d.search_domains !== undefined, {
  message: "servers or search_domains is required",
});

/** Input of `network.ping.do`. */
export const PingData = z.strictObject({
  address: PingAddress,
  count: z.number().int().min(1).max(10).optional(),
  timeout: z.number().int().min(1).max(60).optional(),
});

/** Input of `command.exec.do`: `command` + `args` (OSAPI's form) or `argv`, without a shell. */
export const ExecData = z.strictObject({
  command: z.string().min(1).max(MAX_TEXT).optional().openapi({
    description: "program name or path",
    example: "ls",
  }),
  args: z.array(z.string().max(MAX_TEXT)).max(MAX_ARGS - 1).optional().openapi({
    description: "arguments of command",
    example: ["-la", "/tmp"],
  }),
  argv: z.array(z.string().max(MAX_TEXT)).min(1).max(MAX_ARGS).optional().openapi({
    description: "program and arguments in one list (instead of command/args)",
  }),
  cwd: Cwd.optional(),
  env: Env.optional(),
  timeout: CommandTimeout.optional(),
}).superRefine((d, ctx) => {
  if (d.argv !== undefined && (d.command !== undefined || d.args !== undefined)) {
    ctx.addIssue({ code: "custom", message: "give either argv or command/args, not both" });
  } else if (d.argv === undefined && d.command === undefined) {
    ctx.addIssue({ code: "custom", path: ["command"], message: "command (or argv) is required" });
  } else if (d.argv !== undefined && d.argv[0] === "") {
    ctx.addIssue({ code: "custom", path: ["argv", 0], message: "program must not be empty" });
  }
});

/** Input of `command.shell.do`: a `/bin/sh -c` command line. */
export const ShellData = z.strictObject({
  command: z.string().min(1).max(MAX_TEXT).openapi({ example: "ls -la /tmp | grep log" }),
  cwd: Cwd.optional(),
  env: Env.optional(),
  timeout: CommandTimeout.optional(),
});

/** Every operation type the API accepts and the schema of its data. */
export const OPERATIONS = {
  "system.hostname.get": noInput,
  "system.status.get": noInput,
  "system.uptime.get": noInput,
  "system.os.get": noInput,
  "system.disk.get": noInput,
  "system.memory.get": noInput,
  "system.load.get": noInput,
  "network.dns.get": DnsGetData,
  "network.dns.update": DnsUpdateData,
  "network.ping.do": PingData,
  "command.exec.do": ExecData,
  "command.shell.do": ShellData,
} as const;

/** An operation type the API accepts. */
export type OperationType = keyof typeof OPERATIONS;

/** Every accepted operation type. */
export const OPERATION_TYPES = Object.keys(OPERATIONS) as OperationType[];

/** The result of checking a free-form operation. */
export type OperationCheck =
  | { ok: true; type: OperationType; data: Record<string, unknown> }
  | { ok: false; detail: string };

/** Formats zod issues as `path: message; ...`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
    return path ? `${path}: ${i.message}` : i.message;
  }).join("; ");
}

/** Checks an operation's type and data against {@link OPERATIONS}. */
export function checkOperation(type: string, data: unknown): OperationCheck {
  if (!Object.hasOwn(OPERATIONS, type)) {
    return {
      ok: false,
      detail: `unknown operation type ${JSON.stringify(type)}; expected one of: ${
        OPERATION_TYPES.join(", ")
      }`,
    };
  }
  const schema = OPERATIONS[type as OperationType];
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    return { ok: false, detail: formatIssues(parsed.error.issues, "operation.data") };
  }
  return { ok: true, type: type as OperationType, data: parsed.data as Record<string, unknown> };
}
