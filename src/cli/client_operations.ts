/**
 * `osapi client <domain> ...` for every operation of the table: each declaration's CLI command
 * becomes a command whose positional arguments and options are its input fields (by type:
 * strings, numbers, flags, comma lists, repeatable KEY=VALUE maps), plus `--target`. The call
 * is built by the table's {@link operationRequest}; nothing here names an operation.
 */
import type { Command } from "@commander-js/extra-typings";
import type { z } from "zod";
import {
  type OperationDef,
  operationRequest,
  type OperationTable,
} from "../core/operations/mod.ts";
import { CliError, EXIT_CONFIG } from "./context.ts";
import type { LayoutOptions } from "./client_output.ts";

type Row = Record<string, unknown>;
type AnyCommand = Command<unknown[], Record<string, unknown>>;

/** The per-host answer of an operation. */
export interface Collection {
  job_id?: string;
  results: Row[];
}

/** What a client command needs from `client.ts`: the API call and the printers. */
export interface OperationCli {
  /** Sends a request for `cmd` (flags, environment, config) and returns the JSON body. */
  send(
    cmd: AnyCommand,
    req: ReturnType<typeof operationRequest>,
  ): Promise<{ body: Collection; json: boolean }>;
  printCollection(body: Collection, json: boolean, layout: LayoutOptions): void;
  printCommandResults(body: Collection, json: boolean): void;
}

type FieldKind = "string" | "number" | "boolean" | "list" | "map" | "json";

/** The kind of a field's schema (optional and default wrappers removed), and if required. */
function fieldKind(schema: z.ZodType): { kind: FieldKind; required: boolean } {
  let s = schema as unknown as { _zod: { def: { type: string; innerType?: unknown } } };
  let required = true;
  while (["optional", "default", "prefault", "nullable"].includes(s._zod.def.type)) {
    required = false;
    s = s._zod.def.innerType as typeof s;
  }
  const kinds: Record<string, FieldKind> = {
    string: "string",
    number: "number",
    int: "number",
    boolean: "boolean",
    array: "list",
    record: "map",
  };
  const element = (s._zod.def as { element?: { _zod: { def: { type: string } } } }).element;
  // a list of objects (e.g. routes) is given as JSON
  if (element?._zod.def.type === "object") return { kind: "json", required };
  return { kind: kinds[s._zod.def.type] ?? "string", required };
}

const kebab = (s: string) => s.replaceAll("_", "-");
const camel = (s: string) => s.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const csv = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");

/** The description of a field, from its own metadata or that of the schema it wraps. */
function description(schema: z.ZodType): string {
  let s: unknown = schema;
  while (s) {
    const z4 = s as { meta(): { description?: string } | undefined; _zod: { def: Row } };
    const text = z4.meta?.()?.description;
    if (text) return text;
    s = z4._zod.def.innerType;
  }
  return "";
}

/** KEY=VALUE options collected into an object. */
function collectPair(flag: string) {
  return (value: string, previous: Record<string, string> | undefined) => {
    const at = value.indexOf("=");
    if (at <= 0) throw new CliError(`--${flag} takes KEY=VALUE (got ${value})`, EXIT_CONFIG);
    return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
  };
}

function toJson(flag: string) {
  return (value: string) => {
    try {
      return JSON.parse(value);
    } catch {
      throw new CliError(`--${flag} takes JSON (got ${value})`, EXIT_CONFIG);
    }
  };
}

function toNumber(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) {
      throw new CliError(`--${flag} takes a number (got ${value})`, EXIT_CONFIG);
    }
    return n;
  };
}

/** The command group at `words` under `root`, created on first use. */
function group(root: Command, words: readonly string[]): Command {
  let at = root;
  for (const w of words) {
    at = (at.commands.find((c) => c.name() === w) as Command | undefined) ??
      at.command(w).description(`${w} operations`) as unknown as Command;
  }
  return at;
}

/** Registers the command of one operation under `client`. */
function registerOperation(client: Command, op: OperationDef, io: OperationCli): void {
  const words = op.cli.command;
  const parent = group(client, words.slice(0, -1));
  const cmd = parent.command(words[words.length - 1]).description(
    `${op.summary} (${op.routes[0].method.toUpperCase()} ${op.routes[0].path})`,
  ) as unknown as Command;
  const shape = op.input.shape as Record<string, z.ZodType>;
  const positional = op.cli.args ?? [];
  for (const field of positional) {
    const { kind, required } = fieldKind(shape[field]);
    const variadic = kind === "list" ? "..." : "";
    cmd.argument(
      required ? `<${field}${variadic}>` : `[${field}${variadic}]`,
      description(shape[field]),
    );
  }
  const flags: Record<string, string> = {};
  for (const [field, schema] of Object.entries(shape)) {
    if (positional.includes(field)) continue;
    const flag = op.cli.flags?.[field] ?? kebab(field);
    flags[field] = camel(flag);
    const { kind, required } = fieldKind(schema);
    const help = description(schema);
    const spec = kind === "boolean"
      ? `--${flag}`
      : kind === "list"
      ? `--${flag} <list>`
      : kind === "map"
      ? `--${flag} <KEY=VALUE>`
      : kind === "number"
      ? `--${flag} <n>`
      : kind === "json"
      ? `--${flag} <json>`
      : `--${flag} <value>`;
    const parse = kind === "number"
      ? toNumber(flag)
      : kind === "json"
      ? toJson(flag)
      : kind === "list"
      ? csv
      : kind === "map"
      ? collectPair(flag)
      : undefined;
    const text = kind === "list"
      ? `${help} (comma-separated)`
      : kind === "map"
      ? `${help} (repeatable)`
      : help;
    if (required) {
      if (parse) cmd.requiredOption(spec, text, parse as (v: string) => unknown);
      else cmd.requiredOption(spec, text);
    } else if (parse) cmd.option(spec, text, parse as (v: string) => unknown);
    else cmd.option(spec, text);
  }
  cmd.option("-t, --target <target>", "_any, _all, a host name, or key:value", "_any");
  cmd.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as AnyCommand;
    const opts = args[args.length - 2] as Record<string, unknown>;
    const input: Record<string, unknown> = {};
    positional.forEach((field, i) => {
      if (args[i] !== undefined) input[field] = args[i];
    });
    for (const [field, key] of Object.entries(flags)) {
      if (opts[key] !== undefined) input[field] = opts[key];
    }
    const req = operationRequest(op, input, String(opts.target));
    const { body, json } = await io.send(self, req);
    if (op.cli.output === "command") io.printCommandResults(body, json);
    else io.printCollection(body, json, { expand: op.cli.expand, bytes: op.cli.bytes });
  });
}

/** Registers the commands of every operation of `table` under `client`. */
export function registerOperationCommands(
  client: Command,
  table: OperationTable,
  io: OperationCli,
): void {
  for (const op of table.values()) registerOperation(client, op, io);
}
