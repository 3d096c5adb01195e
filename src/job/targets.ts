/**
 * Target resolution against the live workers: which workers a target reaches, checked before
 * anything is published (an unknown host or label is a {@link TargetError}).
 */
import { parseTarget, RouteError, sanitizeToken, type Target } from "../nats/subjects.ts";
import { TargetError, type WorkerInfo } from "./types.ts";

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
