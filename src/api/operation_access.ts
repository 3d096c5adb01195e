/**
 * Who may run an operation and see its data: the permission the operation table names for its
 * type. Used by `POST /job` and retries (403 without it) and by the job views, which leave out
 * the input and output of operations the caller may not run (`redacted: true`).
 */
import type { Permission } from "../core/permissions.ts";
import type { OperationTable } from "../core/operations/mod.ts";
import type { Caller } from "./context.ts";
import { ApiError } from "./problem.ts";

/**
 * The permission an operation type needs; a type outside the table (a job of an older or test
 * build) needs `command:execute`, the strongest operation permission.
 */
export function requiredPermission(table: OperationTable, type: string): Permission {
  return table.get(type)?.permission ?? "command:execute";
}

/** True when `caller` may run operations of `type` and see their input and output. */
export function mayAccess(
  caller: Caller | undefined,
  table: OperationTable,
  type: string,
): boolean {
  return caller?.permissions.has(requiredPermission(table, type)) ?? false;
}

/** Throws 403 unless `caller` may run operations of `type`. */
export function assertMayRun(
  caller: Caller | undefined,
  table: OperationTable,
  type: string,
): void {
  if (!caller) throw new ApiError(401, "missing bearer token");
  if (!mayAccess(caller, table, type)) {
    throw new ApiError(
      403,
      `permission ${requiredPermission(table, type)} required to run ${type}`,
    );
  }
}
