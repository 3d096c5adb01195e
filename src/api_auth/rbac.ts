/**
 * Role-based access control for the REST API: the role table built from
 * `api.server.security.roles` (names and checks in `core/permissions.ts`), and the rule that a
 * token's `permissions` claim overrides its roles.
 */
import { ConfigError } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import {
  DEFAULT_ROLES,
  isPermission,
  type Permission,
  roleIssues,
  type RoleTable,
} from "../core/permissions.ts";

/**
 * Builds the role table from `api.server.security.roles`: a configured role adds a custom role
 * or replaces the default permissions of admin/write/read. Invalid roles (see
 * {@link roleIssues}) are a {@link ConfigError} naming the key.
 */
export function buildRoleTable(roles: Config["api"]["server"]["security"]["roles"]): RoleTable {
  const issues = roleIssues(roles);
  if (issues.length > 0) throw new ConfigError(issues);
  const table = new Map<string, ReadonlySet<Permission>>();
  for (const [name, perms] of Object.entries(DEFAULT_ROLES)) table.set(name, new Set(perms));
  for (const [name, role] of Object.entries(roles)) {
    table.set(name, new Set(role.permissions as Permission[]));
  }
  return table;
}

/** The identity claims RBAC looks at. */
export interface RbacClaims {
  roles: string[];
  /** When present, the exact permissions granted (roles are ignored). */
  permissions?: string[];
}

/**
 * The effective permissions of a token: its `permissions` claim when present (unknown names
 * dropped), else the union of its roles' permissions (unknown roles grant nothing).
 */
export function effectivePermissions(claims: RbacClaims, table: RoleTable): Set<Permission> {
  if (claims.permissions !== undefined) {
    return new Set(claims.permissions.filter(isPermission));
  }
  const out = new Set<Permission>();
  for (const role of claims.roles) {
    for (const p of table.get(role) ?? []) out.add(p);
  }
  return out;
}
