/**
 * Zod issues as the API reports them: `where.field: message; ...` (e.g. `body.timeout: must be
 * between 1 and 300 (got 0)`), and the check of a free-form operation's data (`POST /job`).
 */
import type { z } from "@hono/zod-openapi";
import { issuePath, type OperationDef } from "../core/operations/mod.ts";

/** Formats zod issues as `prefix.path: message; ...`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string {
  return issues.map((i) => {
    const keys = i.code === "unrecognized_keys" ? i.keys : [undefined];
    return keys.map((key) => {
      const path = [prefix, issuePath(key === undefined ? i.path : [...i.path, key])]
        .filter((p) => p !== "").join(".");
      const message = key === undefined ? i.message : "unknown field";
      return path ? `${path}: ${message}` : message;
    }).join("; ");
  }).join("; ");
}

/**
 * Checks the data of a free-form operation (`POST /job`) against its input: the data as given
 * (defaults are filled by the job layer), or the issues prefixed `operation.data`.
 */
export function checkOperationData(
  op: OperationDef,
  data: unknown,
): { ok: true; data: Record<string, unknown> } | { ok: false; detail: string } {
  const given = data ?? {};
  const parsed = op.input.safeParse(given);
  if (!parsed.success) {
    return { ok: false, detail: formatIssues(parsed.error.issues, "operation.data") };
  }
  return { ok: true, data: given as Record<string, unknown> };
}
