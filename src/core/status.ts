/** A job's overall status, computed from its append-only status events. */
import type { JobEvent, JobStatus } from "./job.ts";
import { sanitizeToken } from "./targets.ts";

/** Where one host stands on a job. */
export type HostState = "pending" | "processing" | "completed" | "failed";

const ORDERED = (a: JobEvent, b: JobEvent) => a.time < b.time ? -1 : a.time > b.time ? 1 : 0;

/** The state of each host that has events, plus `pending` for expected hosts without any. */
export function hostStates(
  events: JobEvent[],
  expectedHosts: string[] = [],
): Map<string, HostState> {
  const states = new Map<string, HostState>();
  for (const h of expectedHosts) states.set(sanitizeToken(h, "host name"), "pending");
  for (const e of [...events].sort(ORDERED)) {
    if (!e.hostname) continue;
    const host = sanitizeToken(e.hostname, "host name");
    const prev = states.get(host);
    switch (e.type) {
      case "acknowledged":
      case "started":
        // a late acknowledgement never reopens a host that already finished
        if (prev !== "completed" && prev !== "failed") states.set(host, "processing");
        break;
      case "completed":
      case "failed":
        states.set(host, e.type);
        break;
    }
  }
  return states;
}

/**
 * `submitted` until a worker acknowledged it; then `processing` until it finished. With
 * `expectedHosts` (host, label and `_all` jobs) every expected or seen host must finish, and the
 * outcome is `completed`, `failed` or `partial_failure`; without (`_any` jobs) the first host to
 * finish decides, since a job redelivered after a worker died is finished by another host.
 */
export function computeStatus(events: JobEvent[], expectedHosts?: string[]): JobStatus {
  const states = [...hostStates(events, expectedHosts).values()];
  if (expectedHosts === undefined) {
    const done = [...events].sort(ORDERED).filter((e) =>
      e.type === "completed" || e.type === "failed"
    );
    if (done.length > 0) return done[0].type as "completed" | "failed";
    return states.length === 0 ? "submitted" : "processing";
  }
  if (states.every((s) => s === "pending")) return "submitted";
  if (states.some((s) => s === "pending" || s === "processing")) return "processing";
  if (states.every((s) => s === "completed")) return "completed";
  if (states.every((s) => s === "failed")) return "failed";
  return "partial_failure";
}

/**
 * The overall status of a set of final host results (what a waiting caller collected); skipped
 * hosts (drained agents) do not count.
 */
export function statusOfResults(
  all: { status: "completed" | "failed" | "skipped" }[],
): JobStatus {
  const results = all.filter((r) => r.status !== "skipped");
  if (results.length === 0) return "submitted";
  if (results.every((r) => r.status === "completed")) return "completed";
  if (results.every((r) => r.status === "failed")) return "failed";
  return "partial_failure";
}
