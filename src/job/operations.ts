/**
 * The operation table: every operation type osapi runs, with its kind (query reads the host,
 * modify changes it), the API permission a caller needs to run it or to see its data, and its
 * input (a JSON Schema subset plus the checks a schema cannot say). The one source of truth:
 * the API derives its request schemas and permission checks from it, the job client looks up
 * kinds and checks input with it before publishing, and the worker's providers take their kind
 * and input check from it.
 */
import type { Permission } from "../core/permissions.ts";
import {
  checkInput,
  type InputSchema,
  inputSchema,
  isHostName,
  isIpAddress,
  noInput,
  type StringField,
} from "./input.ts";
import { type JobKind, OperationInputError } from "../core/job.ts";

/** What the job client needs of an operation type: its kind and its input check. */
export interface OperationBase<In = unknown> {
  /** Operation type, e.g. `system.hostname.get`. */
  readonly type: string;
  readonly kind: JobKind;
  /** Checks and normalises the input; throws {@link OperationInputError}. */
  validate(data: unknown): In;
}

/** One row of the operation table. */
export interface OperationSpec<In = unknown> extends OperationBase<In> {
  /** The API permission needed to submit the operation and to see its input and output. */
  readonly permission: Permission;
  /** The input, as JSON Schema (the API's request schemas are derived from it). */
  readonly input: InputSchema;
}

// ---- limits and shared fields ----

/** Longest accepted path or single command argument, in characters. */
export const MAX_ARG_LENGTH = 4096;
/** Most program arguments of `command.exec.do` (argv, program included). */
export const MAX_ARGS = 256;
/** Longest accepted shell command line, in characters. */
export const MAX_SHELL_COMMAND = 65536;
/** Command timeout bounds and default, in seconds (OSAPI's). */
export const TIMEOUT_MIN_S = 1;
export const TIMEOUT_MAX_S = 300;
export const TIMEOUT_DEFAULT_S = 30;

/** The `interface_name` field of both DNS operations (Linux interface names, no leading `-`). */
export const interfaceNameField: StringField = {
  type: "string",
  description: "Network interface, e.g. eth0.",
  minLength: 1,
  maxLength: 15,
  pattern: "^[A-Za-z0-9][A-Za-z0-9_.:@-]*$",
  hint: "a letter or digit, then letters, digits, _ . : @ -",
};

/** The optional fields of both command operations. */
const commandOptionFields = {
  cwd: {
    type: "string",
    description: "Working directory (absolute path; must exist on the host).",
    minLength: 1,
    maxLength: MAX_ARG_LENGTH,
    pattern: "^/",
    hint: "an absolute path",
  },
  env: {
    type: "object",
    description: "Environment variables added to the worker's environment.",
    propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$", maxLength: 128 },
    additionalProperties: { type: "string", maxLength: MAX_ARG_LENGTH },
    maxProperties: 64,
  },
  timeout: {
    type: "integer",
    description: "Timeout in seconds; the command is killed when it expires.",
    minimum: TIMEOUT_MIN_S,
    maximum: TIMEOUT_MAX_S,
    default: TIMEOUT_DEFAULT_S,
  },
} as const;

// ---- checked inputs ----

/** Checked options of a command. */
export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Seconds. */
  timeout: number;
}

/** Checked input of `command.exec.do`. */
export interface CommandExecInput extends CommandOptions {
  argv: string[];
}

/** Checked input of `command.shell.do`. */
export interface CommandShellInput extends CommandOptions {
  command: string;
}

/** Checked input of `network.dns.get`. */
export interface DnsGetInput {
  interface_name: string;
}

/** Checked input of `network.dns.update`: a list left out is kept as it is. */
export interface DnsUpdateInput {
  interface_name: string;
  servers?: string[];
  search_domains?: string[];
}

/** Checked input of `network.ping.do`. */
export interface PingInput {
  address: string;
  count: number;
  timeout: number;
}

// ---- the operations ----

/**
 * Builds a table row for `type` with input `schema`; `rest` gets the schema check for the type
 * (defaults filled in) and adds the kind, the permission and the full check.
 */
function withInput<const T extends string, In>(
  type: T,
  schema: InputSchema,
  rest: (
    input: (data: unknown) => Record<string, unknown>,
    type: T,
  ) => Omit<OperationSpec<In>, "type" | "input">,
): OperationSpec<In> & { readonly type: T } {
  return { type, input: schema, ...rest((data) => checkInput(type, schema, data), type) };
}

function systemQuery<const T extends string>(type: T) {
  return withInput(type, noInput, (input) => ({
    kind: "query",
    permission: "system:read",
    validate(data): Record<string, never> {
      input(data);
      return {};
    },
  }));
}

/** `system.*.get`: host facts, no input. */
export const hostnameGetOp = systemQuery("system.hostname.get");
export const statusGetOp = systemQuery("system.status.get");
export const uptimeGetOp = systemQuery("system.uptime.get");
export const osGetOp = systemQuery("system.os.get");
export const diskGetOp = systemQuery("system.disk.get");
export const memoryGetOp = systemQuery("system.memory.get");
export const loadGetOp = systemQuery("system.load.get");

/** `network.dns.get`: DNS servers and search domains of an interface. */
export const dnsGetOp = withInput(
  "network.dns.get",
  inputSchema(
    "Reads the DNS servers and search domains of an interface.",
    { interface_name: interfaceNameField },
    ["interface_name"],
  ),
  (input) => ({
    kind: "query",
    permission: "network:read",
    validate: (data): DnsGetInput => ({ interface_name: input(data).interface_name as string }),
  }),
);

/** `network.dns.update`: sets the DNS servers and/or search domains of an interface. */
export const dnsUpdateOp = withInput(
  "network.dns.update",
  inputSchema(
    "Sets the DNS servers and/or search domains of an interface; a list left out is kept.",
    {
      interface_name: interfaceNameField,
      servers: {
        type: "array",
        description: "DNS server IP addresses (IPv4 or IPv6), in order of preference.",
        items: { type: "string", minLength: 1, maxLength: 45 },
        minItems: 1,
        maxItems: 8,
      },
      search_domains: {
        type: "array",
        description: "Search domains (DNS names); an empty list removes them.",
        items: { type: "string", minLength: 1, maxLength: 253 },
        maxItems: 32,
      },
    },
    ["interface_name"],
  ),
  (input, op) => ({
    kind: "modify",
    permission: "network:write",
    validate(data): DnsUpdateInput {
      const v = input(data);
      const servers = v.servers as string[] | undefined;
      const search = v.search_domains as string[] | undefined;
      if (servers === undefined && search === undefined) {
        throw new OperationInputError(`${op}: give servers, search_domains or both`);
      }
      for (const s of servers ?? []) {
        if (!isIpAddress(s)) {
          throw new OperationInputError(
            `${op}: server ${JSON.stringify(s)} is not an IP address`,
            "servers",
          );
        }
      }
      for (const d of search ?? []) {
        if (!isHostName(d)) {
          throw new OperationInputError(
            `${op}: search domain ${JSON.stringify(d)} is not a DNS name`,
            "search_domains",
          );
        }
      }
      return { interface_name: v.interface_name as string, servers, search_domains: search };
    },
  }),
);

/**
 * `network.ping.do`: pings an address from the host. It sends packets on the caller's behalf,
 * so it needs `network:write` (as OSAPI's `/network/ping`), not only `network:read`.
 */
export const pingDoOp = withInput(
  "network.ping.do",
  inputSchema(
    "Pings an IP address or host name from the host.",
    {
      address: {
        type: "string",
        description: "IPv4 or IPv6 address, or DNS host name, to ping.",
        minLength: 1,
        maxLength: 253,
      },
      count: {
        type: "integer",
        description: "Echo requests to send.",
        minimum: 1,
        maximum: 10,
        default: 4,
      },
      timeout: {
        type: "integer",
        description: "Seconds the whole ping may take.",
        minimum: 1,
        maximum: 60,
        default: 10,
      },
    },
    ["address"],
  ),
  (input, op) => ({
    kind: "query",
    permission: "network:write",
    validate(data): PingInput {
      const v = input(data);
      const address = v.address as string;
      if (!isIpAddress(address) && !isHostName(address)) {
        throw new OperationInputError(
          `${op}: address ${JSON.stringify(address)} is not an IP address or host name`,
          "address",
        );
      }
      return { address, count: v.count as number, timeout: v.timeout as number };
    },
  }),
);

function commandOptions(v: Record<string, unknown>): CommandOptions {
  return {
    cwd: v.cwd as string | undefined,
    env: v.env as Record<string, string> | undefined,
    timeout: v.timeout as number,
  };
}

/** `command.exec.do`: runs a program with arguments, without a shell. */
export const commandExecOp = withInput(
  "command.exec.do",
  inputSchema(
    "Runs a program directly (no shell). Give either argv, or command with optional args.",
    {
      argv: {
        type: "array",
        description: 'Program and arguments, e.g. ["ls", "-la", "/tmp"].',
        items: { type: "string", maxLength: MAX_ARG_LENGTH },
        minItems: 1,
        maxItems: MAX_ARGS,
      },
      command: {
        type: "string",
        description: "The executable name or path (OSAPI's form; with args).",
        minLength: 1,
        maxLength: MAX_ARG_LENGTH,
      },
      args: {
        type: "array",
        description: "Arguments of command.",
        items: { type: "string", maxLength: MAX_ARG_LENGTH },
        maxItems: MAX_ARGS - 1,
      },
      ...commandOptionFields,
    },
  ),
  (input, op) => ({
    kind: "modify",
    permission: "command:execute",
    validate(data): CommandExecInput {
      const v = input(data);
      let argv: string[];
      if (v.argv !== undefined) {
        if (v.command !== undefined || v.args !== undefined) {
          throw new OperationInputError(`${op}: give either argv or command/args, not both`);
        }
        argv = v.argv as string[];
      } else if (v.command !== undefined) {
        argv = [v.command as string, ...((v.args as string[] | undefined) ?? [])];
      } else {
        throw new OperationInputError(
          `${op}: missing required field "argv" (or "command")`,
          "command",
        );
      }
      if (argv[0] === "") throw new OperationInputError(`${op}: argv[0] must not be empty`, "argv");
      return { argv, ...commandOptions(v) };
    },
  }),
);

/** `command.shell.do`: runs a command line through `/bin/sh -c`. */
export const commandShellOp = withInput(
  "command.shell.do",
  inputSchema(
    "Runs a command line through /bin/sh -c (pipes, redirects and variables work).",
    {
      command: {
        type: "string",
        description: 'The full shell command line, e.g. "ls -la /tmp | grep log".',
        minLength: 1,
        maxLength: MAX_SHELL_COMMAND,
      },
      ...commandOptionFields,
    },
    ["command"],
  ),
  (input) => ({
    kind: "modify",
    permission: "command:execute",
    validate(data): CommandShellInput {
      const v = input(data);
      return { command: v.command as string, ...commandOptions(v) };
    },
  }),
);

const SPECS = [
  hostnameGetOp,
  statusGetOp,
  uptimeGetOp,
  osGetOp,
  diskGetOp,
  memoryGetOp,
  loadGetOp,
  dnsGetOp,
  dnsUpdateOp,
  pingDoOp,
  commandExecOp,
  commandShellOp,
] as const;

/** An operation type of the table. */
export type OperationType = typeof SPECS[number]["type"];

/** The operation table, keyed by type. */
export const OPERATIONS: ReadonlyMap<string, OperationSpec> = new Map(
  SPECS.map((s) => [s.type, s as OperationSpec]),
);

/** The table row of `type`, or undefined for a type osapi does not know. */
export function operationSpec(type: string): OperationSpec | undefined {
  return OPERATIONS.get(type);
}

/** The table row of a type known to be in the table. */
export function operation(type: OperationType): OperationSpec {
  const spec = OPERATIONS.get(type);
  if (!spec) throw new Error(`operation ${type} missing from the table`);
  return spec;
}
