/**
 * Field builders for operation inputs: zod schemas whose limits show in the OpenAPI document and
 * whose error messages name what is allowed ("must be between 1 and 300 (got 0)"). Every input
 * field of the operation table is built here, so the wording of input errors lives in one place.
 */
import { z } from "zod";

/** How a value is shown in an error message (long strings by their length only). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

const typeError = (what: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? "is required" : `must be ${what} (got ${describeValue(iss.input)})`;

/** Options of {@link str}. */
export interface StringOptions {
  description?: string;
  minLength?: number;
  maxLength: number;
  /** Regular expression the value must match (anchored by the author). */
  pattern?: RegExp;
  /** What `pattern` means, for error messages ("an absolute path"). */
  hint?: string;
  example?: string;
}

/** A string: bounded length, no NUL, optionally a pattern. */
export function str(o: StringOptions) {
  const min = o.minLength ?? 0;
  let s = z.string({ error: typeError("a string") }).refine((v) => !v.includes("\0"), {
    error: "must not contain NUL characters",
  });
  if (min > 0) {
    s = s.min(min, {
      error: min === 1 ? "must not be empty" : `is shorter than ${min} characters`,
    });
  }
  s = s.max(o.maxLength, {
    error: (iss) =>
      `is too long (${(iss.input as string).length} characters, at most ${o.maxLength})`,
  });
  if (o.pattern) {
    const pattern = o.pattern;
    s = s.regex(pattern, {
      error: (iss) =>
        `${describeValue(iss.input)} does not match ${pattern.source}${
          o.hint ? ` (${o.hint})` : ""
        }`,
    });
  }
  return o.description || o.example
    ? s.meta({
      ...(o.description ? { description: o.description } : {}),
      ...(o.example ? { example: o.example } : {}),
    })
    : s;
}

/** An integer in `[min, max]`, with a default when `def` is given. */
export function int(o: { description?: string; min: number; max: number }) {
  const range = (iss: { input?: unknown }) =>
    `must be between ${o.min} and ${o.max} (got ${
      typeof iss.input === "number" ? iss.input : describeValue(iss.input)
    })`;
  const i = z.int({ error: typeError("an integer") }).min(o.min, { error: range }).max(o.max, {
    error: range,
  });
  return o.description ? i.meta({ description: o.description }) : i;
}

/** A boolean. */
export function bool(description?: string) {
  const b = z.boolean({ error: typeError("a boolean") });
  return description ? b.meta({ description }) : b;
}

/** A list of strings checked by `item`. */
export function strList(
  item: ReturnType<typeof str>,
  o: { description?: string; minItems?: number; maxItems: number },
) {
  let a = z.array(item, { error: typeError("an array of strings") });
  if (o.minItems) a = a.min(o.minItems, { error: `must have at least ${o.minItems} item(s)` });
  a = a.max(o.maxItems, {
    error: (iss) =>
      `has too many items (${(iss.input as unknown[]).length}, at most ${o.maxItems})`,
  });
  return o.description ? a.meta({ description: o.description }) : a;
}

/** A map of names to strings (environment variables). */
export function strMap(
  key: ReturnType<typeof str>,
  value: ReturnType<typeof str>,
  o: { description?: string; maxProperties: number },
) {
  const notMap = typeError("an object of strings");
  const m = z.record(key, value, {
    error: (iss) =>
      iss.code === "invalid_key"
        ? iss.issues?.[0]?.message ?? "is not an allowed name"
        : notMap(iss),
  }).refine(
    (v) => Object.keys(v).length <= o.maxProperties,
    {
      error: (iss) =>
        `has too many entries (${
          Object.keys(iss.input as object).length
        }, at most ${o.maxProperties})`,
    },
  );
  return m.meta({
    maxProperties: o.maxProperties,
    ...(o.description ? { description: o.description } : {}),
  });
}

/** True for an IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  return z.ipv4().safeParse(value).success || z.ipv6().safeParse(value).success;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

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
