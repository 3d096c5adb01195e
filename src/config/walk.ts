/** Walking a schema: defaults, parsing a raw tree with did-you-mean, listing leaves. */
import type { Infer, IssueSink, Leaf, Node, Section, Shape } from "./fields.ts";

/** The default value of a node. */
export function defaults<N extends Node>(node: N): Infer<N> {
  return defaultOf(node) as Infer<N>;
}

function defaultOf(node: Node): unknown {
  if (node.node === "section") {
    return Object.fromEntries(
      Object.entries(node.children as Shape).map(([k, child]) => [k, defaultOf(child)]),
    );
  }
  return structuredClone((node as { default: unknown }).default);
}

/** Edit distance, for did-you-mean suggestions. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `word`, if close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a raw value tree against a node; problems go to `sink`, defaults fill the gaps. */
export function parseNode<N extends Node>(
  node: N,
  raw: unknown,
  path: string,
  sink: IssueSink,
): Infer<N> {
  return parseAny(node, raw, path, sink) as Infer<N>;
}

function parseAny(node: Node, raw: unknown, path: string, sink: IssueSink): unknown {
  if (raw === undefined) return defaultOf(node);
  switch (node.node) {
    case "leaf": {
      const v = (node as Leaf<unknown>).parse(raw, path, sink);
      return v === undefined ? defaultOf(node) : v;
    }
    case "section":
      return parseSection(node, raw, path, sink);
    case "list": {
      if (raw === null) return [];
      if (!Array.isArray(raw)) {
        sink.add(path, `${path}: expected a list, got ${typeof raw}`);
        return defaultOf(node);
      }
      return raw.map((item, i) =>
        parseSection(
          node.item,
          node.shorthand && !isPlainObject(item) ? { [node.shorthand]: item } : item,
          `${path}[${i}]`,
          sink,
        )
      );
    }
    case "map": {
      if (raw === null) return {};
      if (!isPlainObject(raw)) {
        sink.add(path, `${path}: expected a mapping of names to values, got ${typeof raw}`);
        return defaultOf(node);
      }
      return Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, parseAny(node.value, v, join(path, k), sink)]),
      );
    }
  }
}

function parseSection(
  node: Section<Shape>,
  raw: unknown,
  path: string,
  sink: IssueSink,
): Record<string, unknown> {
  if (raw === null || raw === undefined) return defaultOf(node) as Record<string, unknown>;
  if (!isPlainObject(raw)) {
    sink.add(path || "(root)", `${path || "(root)"}: expected a mapping, got ${typeof raw}`);
    return defaultOf(node) as Record<string, unknown>;
  }
  const known = Object.keys(node.children);
  for (const key of Object.keys(raw)) {
    if (!(key in node.children)) {
      const hint = didYouMean(key, known);
      const where = join(path, key);
      sink.add(
        where,
        `${where}: unknown key` + (hint ? `; did you mean "${join(path, hint)}"?` : "") +
          ` (allowed here: ${known.join(", ")})`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.children)) {
    out[key] = parseAny(child, raw[key], join(path, key), sink);
  }
  return out;
}

/** A leaf with its dotted path, as listed by {@link leaves}. */
export interface LeafEntry {
  path: string[];
  leaf: Leaf<unknown>;
}

/**
 * Every leaf reachable through sections (lists and maps are reported as one entry whose `leaf`
 * is undefined-safe: they appear with `kind` list/map through {@link entries}).
 */
export function* entries(
  node: Node,
  path: string[] = [],
): Generator<{ path: string[]; node: Node }> {
  if (node.node === "section") {
    for (const [k, child] of Object.entries(node.children as Shape)) {
      yield* entries(child, [...path, k]);
    }
  } else {
    yield { path, node };
  }
}

/** Environment variable name for a key path: `OSAPI_` + upper-cased path joined with `_`. */
export function envName(path: string[]): string {
  return "OSAPI_" + path.join("_").toUpperCase();
}
