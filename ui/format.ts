/**
 * Pure helpers of the dashboard (no DOM): formatting bytes and times, reading a JWT's payload
 * for display, and building a target from the run form.
 */

/** `1536` -> `1.5 KiB`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** How long ago (or in how long) `iso` is from `now`, e.g. `5s ago`, `in 3d`. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "–";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  const text = a < 60
    ? `${a}s`
    : a < 3600
    ? `${Math.floor(a / 60)}m`
    : a < 86400
    ? `${Math.floor(a / 3600)}h`
    : `${Math.floor(a / 86400)}d`;
  return s <= 0 ? `${text} ago` : `in ${text}`;
}

/** The claims of a JWT, decoded without any check (display only: the API verifies). */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes));
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The kinds of target the run form offers. */
export type TargetKind = "_any" | "_all" | "host" | "label";

/** The `target_hostname` of the run form; an error text when a field is missing. */
export function buildTarget(kind: TargetKind, host: string, label: string): string | Error {
  if (kind === "_any" || kind === "_all") return kind;
  if (kind === "host") return host.trim() || new Error("choose a host");
  const l = label.trim();
  return /^[^:\s]+:[^:\s]+$/.test(l) ? l : new Error("a label target is key:value, e.g. role:web");
}

/** Splits an argument line at whitespace, keeping "double" or 'single' quoted parts whole. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Percentage of `used` in `total`, 0-100 (0 when unknown). */
export function percent(used: number | undefined, total: number | undefined): number {
  if (!used || !total || total <= 0) return 0;
  return Math.min(100, Math.max(0, (used / total) * 100));
}

/** A job id short enough for a table and still distinct (UUIDv7 ids share their time prefix). */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}
