/**
 * API permissions: the permission names, the built-in roles and their default permissions, and
 * the checks of a role table (`api.server.security.roles`). Pure: no I/O.
 */

/** One configured role: the permission names it grants. */
export interface RoleSpec {
  permissions: readonly string[];
}

/** A problem of the role table: the dotted key path and a message naming value and allowed. */
export interface RoleIssue {
  path: string;
  message: string;
}

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
  "package:read",
  "package:write",
  "service:read",
  "service:write",
  "process:read",
  "process:execute",
  "ntp:read",
  "ntp:write",
  "certificate:read",
  "certificate:write",
  "log:read",
  "user:read",
  "user:write",
  "power:execute",
  "agent:read",
  "agent:write",
  "file:read",
  "file:write",
  "docker:read",
  "docker:write",
  "docker:execute",
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
  /^(node|sysctl|cron|timezone|package|service|process|ntp|certificate|log|user|file|docker):(read|write)$/
    .test(p)
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
    "agent:read",
    "agent:write",
  ],
  read: [
    "system:read",
    "network:read",
    "job:read",
    "health:read",
    ...NODE_DOMAIN_PERMISSIONS.filter((p) => p.endsWith(":read")),
    "agent:read",
  ],
};

/** Role name -> permissions, built-ins merged with the configured roles. */
export type RoleTable = ReadonlyMap<string, ReadonlySet<Permission>>;

const ROLE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Problems of `api.server.security.roles`: bad role names and unknown permission names. */
export function roleIssues(roles: Readonly<Record<string, RoleSpec>>): RoleIssue[] {
  const issues: RoleIssue[] = [];
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
