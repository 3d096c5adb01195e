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

/** `key: value` lines for one object (nested values as JSON). */
export function keyValues(obj: Row): string {
  const width = Math.max(...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj).map(([k, v]) =>
    `${k.padEnd(width)}  ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`
  ).join("\n");
}

/**
 * Per-host results as a table; list fields of one name (e.g. disks) become one row each (an
 * object field of that name: one row).
 */
export function resultsTable(results: Row[], expand?: string): string {
  if (expand) {
    const rows = results.flatMap((r) => {
      const v = r[expand];
      const items = Array.isArray(v) ? v as Row[] : v && typeof v === "object" ? [v as Row] : [];
      return items.length === 0
        ? [{ hostname: r.hostname, error: r.error }]
        : items.map((i) => ({ hostname: r.hostname, ...i }));
    });
    return table(rows);
  }
  return table(results.map(({ hostname, ...rest }) => ({ hostname, ...rest })));
}

/** Prints a value as indented JSON. */
export function printJson(v: unknown): void {
  console.log(JSON.stringify(v, null, 2));
}
