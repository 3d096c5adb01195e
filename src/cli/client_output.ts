/** Printing API answers for `osapi client`: JSON for machines, aligned tables for people. */

type Row = Record<string, unknown>;

/** A cell: scalars as they are, objects and lists as compact JSON, cut at `max` characters. */
export function cell(v: unknown, max = 60): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  const one = s.replace(/\s*\n\s*/g, " ");
  return one.length > max ? one.slice(0, max - 1) + "…" : one;
}

/** An aligned text table with upper-case headers; columns default to every key seen. */
export function table(rows: Row[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (rows.length === 0) return "(none)";
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join("\n");
}

/** `key: value` lines for one object (nested values as JSON, absent ones left out). */
export function keyValues(obj: Row): string {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) =>
    `${k.padEnd(width)}  ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`
  ).join("\n");
}

/** A byte count in B, KiB, MiB, GiB, TiB (binary units, one decimal above bytes). */
export function humanBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  if (!Number.isFinite(n) || Math.abs(n) < 1024) return `${n} B`;
  let v = n;
  let i = -1;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** How results are laid out for people. */
export interface LayoutOptions {
  /** A list field of each result printed as rows of its own, with the host (e.g. `disks`). */
  expand?: string;
  /** Field names (last path segment) holding byte counts, shown as KiB/MiB/GiB. */
  bytes?: readonly string[];
}

const isRecord = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * One result flattened for a table: nested objects as dotted columns (`memory.total`), lists
 * of scalars joined, byte fields humanised; lists of objects go to `lists` (by field name) as
 * rows of their own, each with the result's host.
 */
function flatten(
  value: Row,
  opts: LayoutOptions,
  lists: Map<string, Row[]>,
  host: unknown,
  prefix = "",
  out: Row = {},
): Row {
  for (const [k, v] of Object.entries(value)) {
    const key = `${prefix}${k}`;
    if (isRecord(v)) flatten(v, opts, lists, host, `${key}.`, out);
    else if (Array.isArray(v) && v.some(isRecord)) {
      const rows = lists.get(key) ?? [];
      for (const e of v) {
        rows.push(
          flatten(isRecord(e) ? e : { value: e }, opts, new Map(), host, "", { hostname: host }),
        );
      }
      lists.set(key, rows);
    } else if (Array.isArray(v)) out[key] = v.map((x) => cell(x)).join(", ");
    else if (typeof v === "number" && opts.bytes?.includes(k)) out[key] = humanBytes(v);
    else out[key] = v;
  }
  return out;
}

/** Columns beyond which each host's result prints as `key  value` lines, not a table row. */
const MAX_COLUMNS = 7;

/**
 * Per-host results for people: one table row per host (or, for wide results, a block of
 * `key  value` lines per host), nested objects laid out as dotted fields, lists of objects as
 * tables of their own (the `expand` field alone when given), byte fields in KiB/MiB/GiB.
 */
export function resultsTable(results: Row[], opts: LayoutOptions = {}): string {
  if (opts.expand) {
    const field = opts.expand;
    const rows = results.flatMap((r) => {
      // a list field: one row per element; an object field of that name: one row
      const v = r[field];
      const items = Array.isArray(v) ? v as Row[] : isRecord(v) ? [v] : [];
      return items.length === 0
        ? [{ hostname: r.hostname, error: r.error }]
        : items.map((i) => flatten(i, opts, new Map(), r.hostname, "", { hostname: r.hostname }));
    });
    return table(rows);
  }
  const lists = new Map<string, Row[]>();
  // host and outcome first, then the result's fields
  const rows = results.map(({ hostname, status, ...rest }) =>
    flatten(rest, opts, lists, hostname, "", {
      hostname,
      ...(status !== undefined ? { status } : {}),
    })
  );
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const main = columns.size > MAX_COLUMNS
    ? rows.map(({ hostname, ...rest }) => `${hostname}\n${keyValues(rest).replace(/^/gm, "  ")}`)
      .join("\n\n")
    : table(rows);
  const sections = [...lists].map(([name, list]) => `${name.toUpperCase()}\n${table(list)}`);
  return [main, ...sections].join("\n\n");
}

/** Prints a value as indented JSON. */
export function printJson(v: unknown): void {
  console.log(JSON.stringify(v, null, 2));
}
