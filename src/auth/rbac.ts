/**
 * Role-based access control for the REST API: the permission names, the built-in roles and
 * their default permissions, custom roles from `api.server.security.roles`, and the rule that a
 * token's `permissions` claim overrides its roles.
 */
import { ConfigError } from "../config/errors.ts";
import type { ConfigIssue } from "../config/fields.ts";
import type { Config } from "../config/schema.ts";

/** Every permission the API checks. */
export const PERMISSIONS = [
  "system:read",
  "network:read",
  "network:write",
  "job:read",
  "job:write",
  "health:read",
  "audit:read",
  "command:execute",
  "node:read",
  "node:write",
  "sysctl:read",
  "sysctl:write",
  "cron:read",
  "cron:write",
  "timezone:read",
  "timezone:write",
] as const;

/** One API permission (`resource:verb`). */
export type Permission = typeof PERMISSIONS[number];

const PERMISSION_SET = new Set<string>(PERMISSIONS);

/** True when `p` names an API permission. */
export function isPermission(p: string): p is Permission {
  return PERMISSION_SET.has(p);
}

/** The read/write permissions of the node domains (OSAPI's names): `write` has all of them. */
const NODE_DOMAIN_PERMISSIONS = PERMISSIONS.filter((p) =>
  /^(node|sysctl|cron|timezone):(read|write)$/.test(p)
);

/** The built-in roles and their default permissions. */
export const DEFAULT_ROLES: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  write: [
    "system:read",
    "network:read",
    "network:write",
    "job:read",
    "job:write",
    "health:read",
    ...NODE_DOMAIN_PERMISSIONS,
  ],
  read: [
    "system:read",
    "network:read",
    "job:read",
    "health:read",
    ...NODE_DOMAIN_PERMISSIONS.filter((p) => p.endsWith(":read")),
  ],
};

/** Role name -> permissions, built-ins merged with the configured roles. */
export type RoleTable = ReadonlyMap<string, ReadonlySet<Permission>>;

const ROLE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Problems of `api.server.security.roles`: bad role names and unknown permission names. */
export function roleIssues(roles: Config["api"]["server"]["security"]["roles"]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, role] of Object.entries(roles)) {
    const path = `api.server.security.roles.${name}`;
    if (!ROLE_NAME.test(name)) {
      issues.push({
        path,
        message: `${path}: invalid role name ${
          JSON.stringify(name)
        }: expected 1-64 characters of A-Z a-z 0-9 _ . : -`,
      });
      continue;
    }
    const bad = role.permissions.filter((p) => !isPermission(p));
    if (bad.length > 0) {
      issues.push({
        path: `${path}.permissions`,
        message: `${path}.permissions: unknown permission ${
          bad.map((b) => JSON.stringify(b)).join(", ")
        }; allowed: ${PERMISSIONS.join(", ")}`,
      });
    }
  }
  return issues;
}

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
