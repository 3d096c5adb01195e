/**
 * Operation input descriptions and their checker. Each operation declares its input once, in
 * the operation table, as a small JSON Schema (a subset: objects of strings, integers, booleans,
 * string arrays and string maps); the same object validates the input in the job client and the
 * worker and is what the API's request schemas are derived from.
 */
import { isIP } from "node:net";
import { OperationInputError } from "../core/job.ts";

/** A string field. */
export interface StringField {
  type: "string";
  description: string;
  minLength?: number;
  maxLength: number;
  /** Regular expression (anchored by the author) the value must match. */
  pattern?: string;
  /** What `pattern` means, for error messages ("an absolute path"). */
  hint?: string;
  default?: string;
}

/** An integer field with an inclusive range. */
export interface IntegerField {
  type: "integer";
  description: string;
  minimum: number;
  maximum: number;
  default?: number;
}

/** A boolean field. */
export interface BooleanField {
  type: "boolean";
  description: string;
  default?: boolean;
}

/** An array of strings. */
export interface StringArrayField {
  type: "array";
  description: string;
  items: Omit<StringField, "description">;
  minItems?: number;
  maxItems: number;
}

/** A map of string keys to string values (e.g. environment variables). */
export interface StringMapField {
  type: "object";
  description: string;
  propertyNames: { pattern: string; maxLength: number };
  additionalProperties: Omit<StringField, "description">;
  maxProperties: number;
}

/** Any field of a provider input. */
export type InputField =
  | StringField
  | IntegerField
  | BooleanField
  | StringArrayField
  | StringMapField;

/** The JSON Schema of one provider's input: a closed object. */
export interface InputSchema {
  type: "object";
  description: string;
  properties: Record<string, InputField>;
  required: string[];
  additionalProperties: false;
}

/** Builds an {@link InputSchema}. */
export function inputSchema(
  description: string,
  properties: Record<string, InputField>,
  required: string[] = [],
): InputSchema {
  return { type: "object", description, properties, required, additionalProperties: false };
}

/** The schema of a provider that takes no input. */
export const noInput: InputSchema = inputSchema("No input.", {});

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function checkString(
  op: string,
  name: string,
  f: Omit<StringField, "description">,
  value: unknown,
  field: string,
): string {
  const bad = (message: string) => new OperationInputError(`${op}: ${message}`, field);
  if (typeof value !== "string") throw bad(`${name} must be a string (got ${describe(value)})`);
  const min = f.minLength ?? 0;
  if (value.length < min) {
    throw bad(min === 1 ? `${name} must not be empty` : `${name} is shorter than ${min}`);
  }
  if (value.length > f.maxLength) {
    throw bad(`${name} is too long (${value.length} characters, at most ${f.maxLength})`);
  }
  if (value.includes("\0")) throw bad(`${name} must not contain NUL characters`);
  if (f.pattern !== undefined && !new RegExp(f.pattern).test(value)) {
    const hint = f.hint ? ` (${f.hint})` : "";
    throw bad(`${name} ${describe(value)} does not match ${f.pattern}${hint}`);
  }
  return value;
}

function checkField(op: string, name: string, f: InputField, value: unknown): unknown {
  const bad = (message: string) => new OperationInputError(`${op}: ${name} ${message}`, name);
  switch (f.type) {
    case "string":
      return checkString(op, name, f, value, name);
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw bad(`must be an integer (got ${describe(value)})`);
      }
      if (value < f.minimum || value > f.maximum) {
        throw bad(`must be between ${f.minimum} and ${f.maximum} (got ${value})`);
      }
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw bad(`must be a boolean (got ${describe(value)})`);
      return value;
    case "array": {
      if (!Array.isArray(value)) throw bad(`must be an array of strings (got ${describe(value)})`);
      if (value.length < (f.minItems ?? 0)) throw bad(`must have at least ${f.minItems} item(s)`);
      if (value.length > f.maxItems) {
        throw bad(`has too many items (${value.length}, at most ${f.maxItems})`);
      }
      return value.map((v, i) => checkString(op, `${name}[${i}]`, f.items, v, name));
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw bad(`must be an object of strings (got ${describe(value)})`);
      }
      const entries = Object.entries(value);
      if (entries.length > f.maxProperties) {
        throw bad(`has too many entries (${entries.length}, at most ${f.maxProperties})`);
      }
      const key = { type: "string" as const, ...f.propertyNames, minLength: 1 };
      const out: Record<string, string> = {};
      for (const [k, v] of entries) {
        checkString(op, `${name} key`, key, k, name);
        out[k] = checkString(op, `${name}.${k}`, f.additionalProperties, v, name);
      }
      return out;
    }
  }
}

/**
 * Checks `data` against `schema` for operation `op`: an object (or null/undefined for "no
 * fields"), no unknown keys, required keys present, each value of the declared type and range.
 * Defaults are filled in. Throws {@link OperationInputError} naming the operation and the field.
 */
export function checkInput(
  op: string,
  schema: InputSchema,
  data: unknown,
): Record<string, unknown> {
  if (data === undefined || data === null) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new OperationInputError(`${op}: input must be an object (got ${describe(data)})`);
  }
  const input = data as Record<string, unknown>;
  const known = Object.keys(schema.properties);
  for (const key of Object.keys(input)) {
    if (!(key in schema.properties)) {
      throw new OperationInputError(
        known.length === 0
          ? `${op} takes no input (got field "${key}")`
          : `${op}: unknown field "${key}" (allowed: ${known.join(", ")})`,
        key,
      );
    }
  }
  for (const key of schema.required) {
    if (input[key] === undefined) {
      throw new OperationInputError(`${op}: missing required field "${key}"`, key);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.properties)) {
    const value = input[key];
    if (value === undefined) {
      if ("default" in field && field.default !== undefined) out[key] = field.default;
      continue;
    }
    out[key] = checkField(op, key, field, value);
  }
  return out;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** True for an IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/**
 * True for a DNS host name: RFC 1123 labels (never starting with `-`), at most 253 characters,
 * optional final dot, not all-numeric at the end.
 */
export function isHostName(value: string): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  // A numeric last label would be a malformed IPv4 address, not a name.
  if (/^\d+$/.test(labels[labels.length - 1])) return false;
  return labels.every((label) => HOST_LABEL.test(label));
}
