/**
 * A small typed schema language for osapi.yaml: every node carries its default and a one-line
 * description, parses (and coerces) raw values, and reports problems with the key path, the bad
 * value (masked when secret) and what is allowed. The TypeScript type of a parsed configuration
 * is inferred from the schema, so the schema is the single source of truth.
 */
import { DURATION_HELP, formatDuration, parseDuration, parseSize, SIZE_HELP } from "./units.ts";

/** One problem found while reading a configuration. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `nats.server.port`. */
  path: string;
  /** Human-readable explanation naming the value and what is allowed. */
  message: string;
}

/** Collects issues while a value tree is parsed. */
export class IssueSink {
  readonly issues: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

interface LeafOptions {
  /** The value is a secret: masked in errors and in `config show`. */
  secret?: boolean;
}

/** A leaf: a scalar or a list of scalars. */
export interface Leaf<T> {
  readonly node: "leaf";
  readonly type: string;
  readonly default: T;
  readonly doc: string;
  readonly secret: boolean;
  /** Parses a raw (YAML or environment string) value. */
  parse(raw: unknown, path: string, sink: IssueSink): T | undefined;
  /** Formats a parsed value for YAML output. */
  format(value: T): unknown;
}

/** A section: named children. */
export interface Section<S extends Shape> {
  readonly node: "section";
  readonly doc: string;
  readonly children: S;
}

/** A list of sections. */
export interface List<S extends Shape> {
  readonly node: "list";
  readonly doc: string;
  readonly item: Section<S>;
  readonly default: unknown[];
  /** A scalar item `x` is read as `{ [shorthand]: x }` (e.g. a bare public key). */
  readonly shorthand?: keyof S & string;
}

/** A map from free-form names to a leaf or a section. */
export interface MapNode<V extends Node> {
  readonly node: "map";
  readonly doc: string;
  readonly value: V;
  readonly default: Record<string, unknown>;
}

/** Any schema node. */
// deno-lint-ignore no-explicit-any
export type Node = Leaf<any> | Section<any> | List<any> | MapNode<any>;
/** The children of a section. */
export type Shape = Record<string, Node>;

/** The parsed TypeScript type of a schema node. */
export type Infer<N> = N extends Leaf<infer T> ? T
  : N extends Section<infer S> ? { [K in keyof S]: Infer<S[K]> }
  : N extends List<infer S> ? { [K in keyof S]: Infer<S[K]> }[]
  : N extends MapNode<infer V> ? Record<string, Infer<V>>
  : never;

/** Masks a value for messages when the key is secret. */
export function shown(raw: unknown, secret: boolean): string {
  if (secret) return raw === undefined || raw === "" ? '""' : '"****"';
  if (typeof raw === "string") return JSON.stringify(raw);
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

function leaf<T>(
  type: string,
  dflt: T,
  doc: string,
  opts: LeafOptions,
  parse: (raw: unknown) => T | undefined,
  allowed: string,
  format: (v: T) => unknown = (v) => v,
): Leaf<T> {
  const secret = opts.secret ?? false;
  return {
    node: "leaf",
    type,
    default: dflt,
    doc,
    secret,
    format,
    parse(raw, path, sink) {
      const value = parse(raw);
      if (value === undefined) {
        sink.add(path, `${path}: invalid value ${shown(raw, secret)}; expected ${allowed}`);
      }
      return value;
    },
  };
}

function asString(raw: unknown): string | undefined {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  return undefined;
}

/** A string; `pattern` restricts it (empty allowed unless `required`). */
export function str(
  dflt: string,
  doc: string,
  opts: LeafOptions & { pattern?: RegExp; patternHelp?: string } = {},
): Leaf<string> {
  const help = opts.patternHelp ??
    (opts.pattern ? `a string matching ${opts.pattern}` : "a string");
  return leaf("string", dflt, doc, opts, (raw) => {
    if (raw === null) return "";
    const s = asString(raw);
    if (s === undefined) return undefined;
    if (opts.pattern && s !== "" && !opts.pattern.test(s)) return undefined;
    return s;
  }, help);
}

/** A number leaf: a YAML number, or text matching `text` (environment overrides). */
function numeric(
  type: string,
  dflt: number,
  doc: string,
  range: { min: number; max: number; text: RegExp; ok: (n: number) => boolean },
  help: string,
): Leaf<number> {
  return leaf(type, dflt, doc, {}, (raw) => {
    const n = typeof raw === "number"
      ? raw
      : typeof raw === "string" && range.text.test(raw.trim())
      ? Number(raw)
      : NaN;
    return range.ok(n) && n >= range.min && n <= range.max ? n : undefined;
  }, help);
}

/** An integer in `[min, max]`. */
export function int(
  dflt: number,
  doc: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): Leaf<number> {
  const help = max === Number.MAX_SAFE_INTEGER
    ? `an integer >= ${min}`
    : `an integer from ${min} to ${max}`;
  return numeric("integer", dflt, doc, { min, max, text: /^-?\d+$/, ok: Number.isInteger }, help);
}

/** A number (decimals allowed) in `[min, max]`. */
export function num(dflt: number, doc: string, min = 0, max = 1e9): Leaf<number> {
  const range = { min, max, text: /^-?\d+(\.\d+)?$/, ok: Number.isFinite };
  return numeric("number", dflt, doc, range, `a number from ${min} to ${max}`);
}

/** A TCP port; 0 is allowed only where `allowZero` (meaning "disabled" or "any"). */
export function port(dflt: number, doc: string): Leaf<number> {
  return int(dflt, doc, 0, 65535);
}

/** A boolean (`true`/`false`, also from `1`/`0`/`yes`/`no` in the environment). */
export function bool(dflt: boolean, doc: string): Leaf<boolean> {
  return leaf("boolean", dflt, doc, {}, (raw) => {
    if (typeof raw === "boolean") return raw;
    const s = asString(raw)?.trim().toLowerCase();
    if (s === "true" || s === "1" || s === "yes" || s === "on") return true;
    if (s === "false" || s === "0" || s === "no" || s === "off") return false;
    return undefined;
  }, "true or false");
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(values: readonly T[], dflt: T, doc: string): Leaf<T> {
  return leaf("enum", dflt, doc, {}, (raw) => {
    const s = asString(raw);
    return s !== undefined && (values as readonly string[]).includes(s) ? s as T : undefined;
  }, `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
}

function parseDurationRaw(raw: unknown): number | undefined {
  if (typeof raw === "number") return undefined; // a bare number is ambiguous: require a unit
  const s = asString(raw);
  return s === undefined ? undefined : parseDuration(s);
}

/** A duration written as `500ms`, `30s`, `2m`, `24h`, `7d`; parsed into milliseconds. */
export function duration(dflt: string, doc: string): Leaf<number> {
  const d = parseDuration(dflt);
  if (d === undefined) throw new Error(`bad default duration ${dflt}`);
  return leaf("duration", d, doc, {}, parseDurationRaw, DURATION_HELP, formatDuration);
}

/** A size written as bytes, `100MB` or `1GiB`; parsed into bytes. `-1` means unlimited. */
export function size(dflt: number | string, doc: string): Leaf<number> {
  const d = typeof dflt === "number" ? dflt : parseSize(dflt);
  if (d === undefined) throw new Error(`bad default size ${dflt}`);
  return leaf("size", d, doc, {}, (raw) => {
    if (typeof raw === "number") return Number.isInteger(raw) && raw >= -1 ? raw : undefined;
    if (raw === "-1") return -1;
    const s = asString(raw);
    return s === undefined ? undefined : parseSize(s);
  }, SIZE_HELP + " (-1: unlimited)");
}

function splitList(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (raw === null || raw === undefined) return [];
  if (typeof raw === "string") {
    const t = raw.trim();
    if (t.startsWith("[")) {
      try {
        const v = JSON.parse(t);
        return Array.isArray(v) ? v : undefined;
      } catch {
        return undefined;
      }
    }
    return t === "" ? [] : t.split(",").map((s) => s.trim());
  }
  return undefined;
}

/** A list of strings (from the environment: comma-separated or a JSON array). */
export function strings(dflt: string[], doc: string, opts: LeafOptions = {}): Leaf<string[]> {
  return leaf("list of strings", dflt, doc, opts, (raw) => {
    const items = splitList(raw);
    if (!items) return undefined;
    const out = items.map(asString);
    return out.every((s) => s !== undefined) ? out as string[] : undefined;
  }, "a list of strings");
}

/** A list of durations. */
export function durations(dflt: string[], doc: string): Leaf<number[]> {
  return leaf(
    "list of durations",
    dflt.map((d) => parseDuration(d)!),
    doc,
    {},
    (raw) => {
      const items = splitList(raw);
      if (!items) return undefined;
      const out = items.map(parseDurationRaw);
      return out.every((d) => d !== undefined) ? out as number[] : undefined;
    },
    `a list of durations, each ${DURATION_HELP}`,
    (v) => v.map(formatDuration),
  );
}

/** A section with named children. */
export function section<S extends Shape>(doc: string, children: S): Section<S> {
  return { node: "section", doc, children };
}

/** A list of sections (YAML sequence of mappings). */
export function list<S extends Shape>(
  doc: string,
  item: Section<S>,
  shorthand?: keyof S & string,
): List<S> {
  return { node: "list", doc, item, default: [], shorthand };
}

/** A map from free-form names to values of one node type. */
export function map<V extends Node>(
  doc: string,
  value: V,
  dflt: Record<string, Infer<V>> = {},
): MapNode<V> {
  return { node: "map", doc, value, default: dflt };
}
