/**
 * Targets: the `_any | _all | host | key:value` grammar, the label syntax shared with the
 * configuration, host id sanitising, and resolution of a target against the live workers (an
 * unknown host or label is a {@link TargetError}). Pure: no I/O.
 */
import { OsapiError } from "./errors.ts";
import type { WorkerInfo } from "./job.ts";

/** Where a job goes. */
export type Target =
  | { type: "any" }
  | { type: "all" }
  | { type: "host"; host: string }
  | { type: "label"; key: string; value: string[] };

/** A target or namespace that cannot be used; the message says why. */
export class RouteError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("subject.invalid", message, options);
  }
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
const LABEL_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** Label syntax, shared by worker labels in the configuration and `key:value` targets. */
export const LABEL_KEY_HELP = "1-64 characters of A-Z a-z 0-9 _ -";
/** See {@link LABEL_KEY_HELP}. */
export const LABEL_VALUE_HELP = "dot-separated segments of A-Z a-z 0-9 _ -";

/** True when `key` can name a label. */
export function isLabelKey(key: string): boolean {
  return LABEL_KEY.test(key);
}

/** True when `value` is a label value (dotted segments, matched by prefix). */
export function isLabelValue(value: string): boolean {
  return value.split(".").every((s) => TOKEN.test(s));
}
const MAX_TOKEN = 128;

/**
 * Makes one subject token out of free text: every character outside `[A-Za-z0-9_-]` (dots,
 * `*`, `>`, whitespace, ...) becomes `_`. Throws on an empty result.
 */
export function sanitizeToken(text: string, what = "name"): string {
  const token = text.trim().replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MAX_TOKEN);
  if (token === "") throw new RouteError(`empty ${what}`);
  return token;
}

/**
 * Parses a target as written by users: `_any`, `_all`, `key:value` (dotted value, matched by
 * prefix) or a host name. Rejects wildcards, whitespace and malformed labels.
 */
export function parseTarget(text: string): Target {
  const t = text.trim();
  if (t === "" || t === "_any") return { type: "any" };
  if (t === "_all") return { type: "all" };
  if (/[\s*>]/.test(t)) {
    throw new RouteError(
      `invalid target ${JSON.stringify(text)}: wildcards (* >) and whitespace are not allowed`,
    );
  }
  const colon = t.indexOf(":");
  if (colon >= 0) {
    const key = t.slice(0, colon);
    const value = t.slice(colon + 1);
    const segments = value.split(".");
    if (!isLabelKey(key) || !isLabelValue(value)) {
      throw new RouteError(
        `invalid label target ${JSON.stringify(text)}: expected key:value with a key of ` +
          "A-Z a-z 0-9 _ - and a value of dot-separated segments of the same characters",
      );
    }
    return { type: "label", key, value: segments };
  }
  if (t.startsWith("_")) {
    throw new RouteError(
      `invalid target ${JSON.stringify(text)}: expected _any, _all, key:value or a host name`,
    );
  }
  return { type: "host", host: t };
}

/** Formats a target back into its user syntax. */
export function formatTarget(target: Target): string {
  switch (target.type) {
    case "any":
      return "_any";
    case "all":
      return "_all";
    case "host":
      return target.host;
    case "label":
      return `${target.key}:${target.value.join(".")}`;
  }
}

/** A target that names no live worker; the API answers 400 before publishing anything. */
export class TargetError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("target.invalid", message, options);
  }
}

/** A parsed target and the live workers it reaches. */
export interface ResolvedTarget {
  target: Target;
  /** Matching live workers (for `_any`: every live worker, of which one will answer). */
  workers: WorkerInfo[];
}

const segments = (value: string) => value.split(".").map((s) => sanitizeToken(s, "label value"));

/** Whether a worker's labels match a `key:value` target (dotted values match by prefix). */
export function labelMatches(
  labels: Record<string, string>,
  key: string,
  value: string[],
): boolean {
  const wanted = sanitizeToken(key, "label key");
  for (const [k, v] of Object.entries(labels)) {
    if (sanitizeToken(k, "label key") !== wanted) continue;
    const have = segments(v);
    const want = value.map((s) => sanitizeToken(s, "label value"));
    if (want.length <= have.length && want.every((s, i) => s === have[i])) return true;
  }
  return false;
}

/** The live workers a parsed target reaches. */
export function matchWorkers(target: Target, workers: WorkerInfo[]): WorkerInfo[] {
  switch (target.type) {
    case "any":
    case "all":
      return workers;
    case "host": {
      const host = sanitizeToken(target.host, "host name");
      return workers.filter((w) => sanitizeToken(w.hostname, "host name") === host);
    }
    case "label":
      return workers.filter((w) => labelMatches(w.labels, target.key, target.value));
  }
}

/**
 * Parses `text` and finds the live workers it reaches; throws {@link TargetError} for bad
 * syntax or when no live worker matches.
 */
export function resolveTarget(text: string, workers: WorkerInfo[]): ResolvedTarget {
  let target: Target;
  try {
    target = parseTarget(text);
  } catch (e) {
    if (e instanceof RouteError) throw new TargetError(e.message, { cause: e });
    throw e;
  }
  const matched = matchWorkers(target, workers);
  if (matched.length === 0) {
    switch (target.type) {
      case "any":
      case "all":
        throw new TargetError(
          `no live worker to run a job for target ${target.type === "any" ? "_any" : "_all"}`,
        );
      case "host":
        throw new TargetError(
          `unknown host ${JSON.stringify(target.host)}: no live worker has this host name`,
        );
      case "label":
        throw new TargetError(
          `no live worker has label ${target.key}:${target.value.join(".")}`,
        );
    }
  }
  return { target, workers: matched };
}
