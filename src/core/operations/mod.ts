/**
 * The operation table: every operation osapi runs, declared once in its domain file. Adding an
 * operation means declaring it in a domain file (an exported `defineOperation(...)`) and writing
 * its provider file; the API routes, the OpenAPI document, the CLI, the worker's dispatch and
 * the permission checks all come from here.
 */
import type { OperationDef } from "./define.ts";
import * as certificate from "./certificate.ts";
import * as command from "./command.ts";
import * as cron from "./cron.ts";
import * as log from "./log.ts";
import * as docker from "./docker.ts";
import * as file from "./file.ts";
import * as network from "./network.ts";
import * as networkInterface from "./network_interface.ts";
import * as networkRoute from "./network_route.ts";
import * as node from "./node.ts";
import * as packages from "./package.ts";
import * as service from "./service.ts";
import * as ntp from "./ntp.ts";
import * as process from "./process.ts";
import * as power from "./power.ts";
import * as sysctl from "./sysctl.ts";
import * as system from "./system.ts";
import * as timezone from "./timezone.ts";
import * as user from "./user.ts";

export * from "./define.ts";
export * from "./request.ts";

/** A table of operations, keyed by type. */
export type OperationTable = ReadonlyMap<string, OperationDef>;

const isOperation = (v: unknown): v is OperationDef =>
  typeof v === "object" && v !== null && "type" in v && "provider" in v && "routes" in v;

/** Builds a table from declarations (later ones with the same type are an error). */
export function operationTable(defs: Iterable<OperationDef>): OperationTable {
  const table = new Map<string, OperationDef>();
  for (const d of defs) {
    if (table.has(d.type)) throw new Error(`operation ${d.type} declared twice`);
    table.set(d.type, d);
  }
  return table;
}

/** The domain modules, one a line (a new domain file adds its line here). */
const DOMAINS = [
  system,
  network,
  networkInterface,
  networkRoute,
  command,
  node,
  sysctl,
  cron,
  timezone,
  packages,
  service,
  process,
  ntp,
  certificate,
  log,
  user,
  power,
  file,
  docker,
];

/** Every operation osapi ships. */
export const OPERATIONS: OperationTable = operationTable(
  DOMAINS.flatMap((domain) => Object.values(domain).filter(isOperation)),
);

/** The operation of `type`, or undefined for a type osapi does not know. */
export function operationSpec(type: string): OperationDef | undefined {
  return OPERATIONS.get(type);
}
