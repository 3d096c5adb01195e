/** Parsing and formatting of the duration and size strings used in osapi.yaml. */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  tb: 1_000_000_000_000,
  k: 1_024,
  m: 1_024 ** 2,
  g: 1_024 ** 3,
  t: 1_024 ** 4,
  kib: 1_024,
  mib: 1_024 ** 2,
  gib: 1_024 ** 3,
  tib: 1_024 ** 4,
};

/** Allowed duration syntax, for error messages. */
export const DURATION_HELP = "a duration such as 500ms, 30s, 2m, 24h, 7d or 1h30m";
/** Allowed size syntax, for error messages. */
export const SIZE_HELP = "a size such as 1048576, 100MB or 1GiB";

/**
 * Parses a duration (`500ms`, `30s`, `2m`, `24h`, `7d`, `1h30m`) into milliseconds.
 * Returns `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (const m of trimmed.matchAll(re)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched += m[0].length;
  }
  if (matched === 0 || matched !== trimmed.length) return undefined;
  return Math.round(total);
}

/** Formats milliseconds back into the shortest exact duration string. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = DURATION_UNITS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Parses a size (`1048576`, `100MB`, `1GiB`) into bytes; `undefined` when it is not one. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}
