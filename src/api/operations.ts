/**
 * The API's zod schemas of operation input, derived from the operation table
 * (`src/job/operations.ts`): each field's JSON Schema becomes the matching zod schema (so the
 * OpenAPI document shows the table's limits), and the table's own check runs on top (IP
 * addresses, host names, argv vs command/args), its errors reported as zod issues on the field.
 * Domain routes use these as request bodies; `POST /job` checks a free-form operation with them.
 */
import { z } from "@hono/zod-openapi";
import type { InputField, InputSchema, StringField } from "../job/input.ts";
import {
  commandExecOp,
  commandShellOp,
  dnsGetOp,
  dnsUpdateOp,
  interfaceNameField,
  type OperationSpec,
  pingDoOp,
} from "../job/operations.ts";
import { OperationInputError } from "../core/job.ts";

function stringZod(f: Omit<StringField, "description">) {
  let s = z.string().max(f.maxLength);
  if (f.minLength !== undefined) s = s.min(f.minLength);
  if (f.pattern !== undefined) {
    s = s.regex(new RegExp(f.pattern), {
      message: f.hint ? `must be ${f.hint}` : `must match ${f.pattern}`,
    });
  }
  return s;
}

/** The zod schema of one input field (without its description and default). */
function fieldZod(f: InputField): z.ZodType {
  switch (f.type) {
    case "string":
      return stringZod(f);
    case "integer":
      return z.number().int().min(f.minimum).max(f.maximum);
    case "boolean":
      return z.boolean();
    case "array": {
      const items = z.array(stringZod(f.items)).max(f.maxItems);
      return f.minItems === undefined ? items : items.min(f.minItems);
    }
    case "object":
      return z.record(
        z.string().max(f.propertyNames.maxLength).regex(new RegExp(f.propertyNames.pattern)),
        stringZod(f.additionalProperties),
      ).openapi({ maxProperties: f.maxProperties });
  }
}

/** The schema's documentation: description and default (defaults are filled by the check). */
function documented(f: InputField, schema: z.ZodType): z.ZodType {
  const names = f.type === "object"
    ? ` Names match ${f.propertyNames.pattern} (at most ${f.propertyNames.maxLength} characters).`
    : "";
  return schema.openapi({
    description: f.description + names,
    ...("default" in f && f.default !== undefined ? { default: f.default } : {}),
  });
}

/** The error text without the operation type prefix (the request already names it). */
function withoutType(type: string, message: string): string {
  return message.startsWith(`${type}: `) ? message.slice(type.length + 2) : message;
}

/**
 * The request schema of an operation's input: a closed object with the table's fields, then
 * (when the fields are well-formed) the table's full check.
 */
export function inputZod(spec: OperationSpec) {
  const input: InputSchema = spec.input;
  const shape: Record<string, z.ZodType> = {};
  for (const [name, f] of Object.entries(input.properties)) {
    const schema = documented(f, fieldZod(f));
    shape[name] = input.required.includes(name) ? schema : schema.optional();
  }
  return z.strictObject(shape).openapi({ description: input.description }).check((ctx) => {
    if (ctx.issues.length > 0) return;
    try {
      spec.validate(ctx.value);
    } catch (e) {
      if (!(e instanceof OperationInputError)) throw e;
      ctx.issues.push({
        code: "custom",
        message: withoutType(spec.type, e.message),
        path: e.field !== undefined ? [e.field] : [],
        input: ctx.value,
      });
    }
  });
}

/** A Linux network interface name (the path parameter of `GET /network/dns/{interfaceName}`). */
export const InterfaceName = documented(interfaceNameField, fieldZod(interfaceNameField));

/** Input of `network.dns.get`. */
export const DnsGetData = inputZod(dnsGetOp);
/** Input of `network.dns.update`: servers and/or search domains for an interface. */
export const DnsUpdateData = inputZod(dnsUpdateOp);
/** Input of `network.ping.do`. */
export const PingData = inputZod(pingDoOp);
/** Input of `command.exec.do`: `command` + `args` (OSAPI's form) or `argv`, without a shell. */
export const ExecData = inputZod(commandExecOp);
/** Input of `command.shell.do`: a `/bin/sh -c` command line. */
export const ShellData = inputZod(commandShellOp);

/** Formats zod issues as `path: message; ...`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
    return path ? `${path}: ${i.message}` : i.message;
  }).join("; ");
}

const schemas = new Map<string, ReturnType<typeof inputZod>>();

/**
 * Checks the data of a free-form operation (`POST /job`) against its request schema: the
 * checked data (as given, defaults not filled in), or the issues prefixed `operation.data`.
 */
export function checkOperationData(
  spec: OperationSpec,
  data: unknown,
): { ok: true; data: Record<string, unknown> } | { ok: false; detail: string } {
  let schema = schemas.get(spec.type);
  if (!schema) schemas.set(spec.type, schema = inputZod(spec));
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    return { ok: false, detail: formatIssues(parsed.error.issues, "operation.data") };
  }
  return { ok: true, data: parsed.data as Record<string, unknown> };
}
