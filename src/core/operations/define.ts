/**
 * What an operation declaration holds, and the input check every layer shares. An operation is
 * declared once (see the domain files beside this one): its type, kind, permission, input and
 * result schemas (zod), its REST routes, its CLI command and the name of its provider module.
 * The API routes, the OpenAPI document, the CLI client commands, the worker's dispatch and the
 * permission checks are all derived from these declarations.
 */
import type { z } from "zod";
import type { Permission } from "../permissions.ts";
import { type JobKind, OperationInputError } from "../job.ts";
import { describeValue } from "./fields.ts";

/** HTTP methods of operation routes. */
export type HttpMethod = "get" | "post" | "put" | "delete";

/** One REST route of an operation. */
export interface RouteDef {
  readonly method: HttpMethod;
  /**
   * OpenAPI path. A `{hostname}` parameter carries the target; without one the target is the
   * `target_hostname` query parameter (default `_any`).
   */
  readonly path: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  /** Path parameters that are input fields: parameter name -> field name. */
  readonly params?: Readonly<Record<string, string>>;
  /** Success status (default: 200 for queries, 202 for modify operations). */
  readonly status?: 200 | 202;
  /** OpenAPI component name of the response collection. */
  readonly collection: string;
  /** OpenAPI component name of the request body (routes with a body). */
  readonly request?: string;
  /**
   * A list field of the result whose elements are the response items (each with the host's
   * `hostname` and `status`), instead of one item per host: OSAPI's list responses. A host that
   * failed gives one item with its `error`.
   */
  readonly items?: string;
  /**
   * The permission this route needs when it is not the operation's (e.g. `node:read` on
   * `/api/node/{hostname}/disk` for a `system:read` operation). `POST /job` and the redaction
   * of job records keep using the operation's permission.
   */
  readonly permission?: Permission;
  /**
   * Each item carries the result's fields nested under this key instead of flat (OSAPI's
   * `memory`, `load_average`, `os_info` items).
   */
  readonly nest?: string;
  /** A DELETE route taking its non-path fields as a JSON body (as OSAPI's DNS delete). */
  readonly body?: boolean;
}

/** True when `route` takes a JSON body: POST, PUT, and DELETE routes declaring `body`. */
export function routeHasBody(route: RouteDef): boolean {
  return route.method === "post" || route.method === "put" || route.body === true;
}

/** The `osapi client` command of an operation. */
export interface CliDef {
  /** Command words under `osapi client`, e.g. `["network", "dns", "get"]`. */
  readonly command: readonly string[];
  /** Input fields taken as positional arguments, in order; a last array field is variadic. */
  readonly args?: readonly string[];
  /** Option names of fields whose flag is not their kebab-cased name. */
  readonly flags?: Readonly<Record<string, string>>;
  /** How results print: a table (default) or stdout/stderr as a local run would. */
  readonly output?: "table" | "command";
  /** A list field of each result laid out as rows of its own (e.g. `disks`; an object: one row). */
  readonly expand?: string;
  /** Result fields (by name, at any depth) holding byte counts: shown as KiB/MiB/GiB. */
  readonly bytes?: readonly string[];
}

/** The input schema of an operation: a closed object. */
export type InputSchema = z.ZodObject;

/** One operation of the table. */
export interface OperationDef<In extends InputSchema = InputSchema> {
  /** Operation type, e.g. `system.hostname.get`. */
  readonly type: string;
  /** Query operations read the host; modify operations change it and report `changed`. */
  readonly kind: JobKind;
  /** The API permission needed to run the operation and to see its input and output. */
  readonly permission: Permission;
  /** One line for the API and the CLI. */
  readonly summary: string;
  /** The input, checked by the job client before publishing and by the worker before running. */
  readonly input: In;
  /** One host's output (what the provider returns; the API adds hostname, status, error). */
  readonly result: z.ZodObject;
  readonly routes: readonly RouteDef[];
  readonly cli: CliDef;
  /** The provider module, `src/worker/providers/<provider>.ts` (its default export). */
  readonly provider: string;
  /**
   * Rewrites the checked input before the job is stored and published, e.g. a password turned
   * into its hash so that the plaintext is never kept. What it returns must pass `input` too.
   */
  prepare?(input: z.output<In>): Promise<Record<string, unknown>>;
}

/** The checked input of operation `Op`. */
export type InputOf<Op extends OperationDef> = z.output<Op["input"]>;

/** Declares an operation (an identity function that keeps the input schema's type). */
export function defineOperation<const In extends InputSchema>(
  def: OperationDef<In>,
): OperationDef<In> {
  return def;
}

/** A zod issue path as text: `env.A`, `argv[2]`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) =>
    typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`
  ).join("");
}

/** One zod issue of an input object as a sentence naming the field. */
export function issueText(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => `unknown field "${k}"`).join("; ");
  }
  if (issue.code === "invalid_key") {
    // a map key at fault: `env key "a" does not match ...`
    return `${issuePath(issue.path.slice(0, -1))} key ${issue.message}`;
  }
  const where = issuePath(issue.path);
  if (issue.code === "invalid_type" && issue.path.length === 1) {
    const value = (input as Record<string, unknown>)?.[String(issue.path[0])];
    if (value === undefined) return `missing required field "${where}"`;
  }
  return where ? `${where} ${issue.message}` : issue.message;
}

/**
 * Checks `data` against operation `op`'s input: an object (null/undefined mean no fields), no
 * unknown keys, every field of its type and range, the declaration's own checks; defaults are
 * filled in. Throws {@link OperationInputError} naming the operation and the field at fault.
 */
export function checkInput<In extends InputSchema>(
  op: OperationDef<In>,
  data: unknown,
): z.output<In> {
  const value = data ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new OperationInputError(
      `${op.type}: input must be an object (got ${describeValue(value)})`,
    );
  }
  const parsed = op.input.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const known = Object.keys(op.input.shape);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    throw new OperationInputError(
      known.length === 0
        ? `${op.type} takes no input (got field "${key}")`
        : `${op.type}: unknown field "${key}" (allowed: ${known.join(", ")})`,
      key,
    );
  }
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  throw new OperationInputError(`${op.type}: ${issueText(issue, value)}`, field);
}

/** What the job layer needs of an operation type: its kind and its input check. */
export interface OperationCheck {
  readonly type: string;
  readonly kind: JobKind;
  /** Checks the input and fills its defaults; throws {@link OperationInputError}. */
  validate(data: unknown): unknown;
  /** The input to store and publish (see {@link OperationDef.prepare}); absent: as given. */
  prepare?(data: unknown): Promise<Record<string, unknown>>;
}

/** The kinds and input checks of a table's operations, by type. */
export function operationChecks(
  table: ReadonlyMap<string, OperationDef>,
): ReadonlyMap<string, OperationCheck> {
  return new Map(
    [...table.values()].map((op) => [op.type, {
      type: op.type,
      kind: op.kind,
      validate: (data: unknown) => checkInput(op, data),
      ...(op.prepare ? { prepare: (data: unknown) => op.prepare!(checkInput(op, data)) } : {}),
    }]),
  );
}
