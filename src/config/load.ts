/**
 * Loading a configuration: YAML file (or the embedded default), then `OSAPI_*` environment
 * overrides, then `--set key=value` flags; parsed against the schema and checked across keys.
 */
import { LineCounter, parseDocument } from "yaml";
import { type ConfigIssue, IssueSink, type Node } from "./fields.ts";
import { type Config, schema } from "./schema.ts";
import { didYouMean, entries, envName, parseNode } from "./walk.ts";
import { checkConfig } from "./check.ts";
import { ConfigError } from "./errors.ts";

export { ConfigError };

/** Where a loaded configuration came from. */
export type ConfigSource = { kind: "file"; path: string } | { kind: "embedded" };

/** Result of {@link loadConfig}. */
export interface LoadedConfig {
  config: Config;
  source: ConfigSource;
  /** Non-fatal findings, e.g. an `OSAPI_` variable that names no key. */
  warnings: string[];
}

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  /** Explicit file (`--config`); must exist. */
  file?: string;
  /** Environment to read `OSAPI_*` overrides from (default: the process environment). */
  env?: Record<string, string>;
  /** `key.path=value` overrides, applied last. */
  sets?: string[];
  /** Files tried in order when no file is given. */
  searchPaths?: string[];
  /** Skip the environment entirely (tests, `config init`). */
  noEnv?: boolean;
}

/** Default places searched for a configuration file. */
export const DEFAULT_SEARCH_PATHS = ["./osapi.yaml", "/etc/osapi/osapi.yaml"];

/** Environment variables with an `OSAPI_` prefix that are not configuration keys. */
/** `OSAPI_` variables that are not configuration keys (documented in the README). */
export const NON_KEY_VARS = new Set(["OSAPI_CONFIG", "OSAPI_TOKEN", "OSAPI_URL", "OSAPI_DEBUG"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

function rawFromString(node: Node, value: string): unknown {
  if (node.node === "list" || node.node === "map") {
    try {
      return JSON.parse(value);
    } catch {
      return value; // reported by the parser as the wrong type
    }
  }
  return value;
}

/**
 * Where to report a YAML error: the parser places some errors (e.g. a bad indentation) on the
 * line break before the offending line; those are moved to the first character of that line.
 */
export function errorOffset(text: string, offset: number): number {
  if (text[offset] !== "\n" && text[offset] !== "\r") return offset;
  let i = offset + (text.startsWith("\r\n", offset) ? 2 : 1);
  while (text[i] === " " || text[i] === "\t") i++;
  return i < text.length ? i : offset;
}

/** Parses YAML text into a raw tree; syntax errors name the line and column. */
export function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(errorOffset(text, e.pos[0]));
        const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
        return { path: where, message: `${where}: YAML syntax error: ${e.message.split("\n")[0]}` };
      }),
      source,
    );
  }
  return doc.toJS() ?? {};
}

/** Reads a file for the configuration, turning OS errors into clear configuration errors. */
async function readConfigFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "file not found"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new ConfigError([{ path, message: `${path}: cannot read configuration: ${why}` }], path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Applies environment and `--set` overrides to a raw tree; returns warnings. */
export function applyOverrides(
  raw: Record<string, unknown>,
  env: Record<string, string>,
  sets: string[],
): { warnings: string[]; issues: ConfigIssue[]; origins: Map<string, string> } {
  const warnings: string[] = [];
  const issues: ConfigIssue[] = [];
  const origins = new Map<string, string>();
  const byEnv = new Map<string, { path: string[]; node: Node }>();
  const byPath = new Map<string, { path: string[]; node: Node }>();
  for (const e of entries(schema)) {
    byEnv.set(envName(e.path), e);
    byPath.set(e.path.join("."), e);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("OSAPI_") || NON_KEY_VARS.has(name)) continue;
    const e = byEnv.get(name);
    if (!e) {
      // An unknown key is an error, in a file or in the environment: a mistyped
      // OSAPI_NATS_SERVER_AUTH_TYP must not silently leave auth off.
      const hint = didYouMean(name, [...byEnv.keys(), ...NON_KEY_VARS]);
      issues.push({
        path: name,
        message: `environment variable ${name} names no configuration key` +
          (hint ? `; did you mean ${hint}?` : ""),
      });
      continue;
    }
    setPath(raw, e.path, rawFromString(e.node, value));
    origins.set(e.path.join("."), `environment variable ${name}`);
  }
  for (const set of sets) {
    const eq = set.indexOf("=");
    const key = eq < 0 ? set : set.slice(0, eq);
    const e = byPath.get(key);
    if (eq < 0 || !e) {
      const hint = didYouMean(key, [...byPath.keys()]);
      issues.push({
        path: key,
        message: eq < 0
          ? `--set ${set}: expected key.path=value`
          : `--set ${key}: unknown key` + (hint ? `; did you mean "${hint}"?` : ""),
      });
      continue;
    }
    setPath(raw, e.path, rawFromString(e.node, set.slice(eq + 1)));
    origins.set(key, `--set ${key}`);
  }
  return { warnings, issues, origins };
}

/** Parses and checks a raw tree (already merged with overrides). */
export function configFromRaw(raw: unknown, source = "configuration"): Config {
  const sink = new IssueSink();
  const config = parseNode(schema, raw, "", sink);
  if (sink.issues.length === 0) checkConfig(config, sink);
  if (sink.issues.length > 0) throw new ConfigError(sink.issues, source);
  return config;
}

/** Loads the configuration from a file (or the embedded default), environment and flags. */
export async function loadConfig(opts: LoadOptions = {}): Promise<LoadedConfig> {
  const env = opts.noEnv ? {} : (opts.env ?? Deno.env.toObject());
  let file = opts.file ?? env.OSAPI_CONFIG;
  if (!file) {
    for (const candidate of opts.searchPaths ?? DEFAULT_SEARCH_PATHS) {
      if (await exists(candidate)) {
        file = candidate;
        break;
      }
    }
  }
  let raw: unknown = {};
  let source: ConfigSource = { kind: "embedded" };
  if (file) {
    raw = parseYaml(await readConfigFile(file), file);
    source = { kind: "file", path: file };
  }
  const name = file ?? "embedded default configuration";
  if (!isObject(raw)) {
    throw new ConfigError([{ path: "(root)", message: `${name}: expected a mapping at the top` }]);
  }
  const { warnings, issues, origins } = applyOverrides(raw, env, opts.sets ?? []);
  if (issues.length > 0) throw new ConfigError(issues, name);
  try {
    return { config: configFromRaw(raw, name), source, warnings };
  } catch (e) {
    throw e instanceof ConfigError ? withOrigins(e, origins, name) : e;
  }
}

/**
 * Names the environment variable or `--set` flag behind each issue of an overridden key (a
 * file's name is only the source of what the overrides did not set).
 */
function withOrigins(e: ConfigError, origins: Map<string, string>, name: string): ConfigError {
  const originOf = (path: string) => {
    for (const [key, origin] of origins) {
      if (path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`)) return origin;
    }
    return undefined;
  };
  let fromFile = false;
  const issues = e.issues.map((i) => {
    const origin = originOf(i.path);
    if (!origin) fromFile = true;
    return origin ? { ...i, message: `${origin}: ${i.message}` } : i;
  });
  return new ConfigError(issues, fromFile ? name : "configuration overrides");
}
