/**
 * Building blocks of OSAPI's node domains (`/api/node/{hostname}/<domain>...`): one operation
 * `node.<domain>.<name>` with its provider `<domain>_<name>`, CLI `node <domain> <name>` and
 * `<domain>:read` (list, get) or `<domain>:write` permission.
 */
import { z } from "zod";
import type { Permission } from "../permissions.ts";
import { defineOperation, type InputSchema, type OperationDef, type RouteDef } from "./define.ts";

/** A route under `/api/node/{hostname}/` answering 200, as OSAPI's node domains do. */
export function nodeRoute(
  method: RouteDef["method"],
  path: string,
  operationId: string,
  tag: string,
  collection: string,
  extra: Partial<RouteDef> = {},
): RouteDef {
  return {
    method,
    path: `/api/node/{hostname}/${path}`,
    operationId,
    tags: [tag],
    status: 200,
    collection,
    ...extra,
  };
}

/** What a node operation declares besides its domain and name. */
export interface NodeOperationSpec<In extends InputSchema> {
  summary: string;
  input: In;
  result: z.ZodObject;
  route: RouteDef;
  /** Input fields taken as CLI positional arguments (default: every field, in order). */
  args?: string[];
}

/** Operation `node.<domain>.<name>`; `list` and `get` are queries, the others modify. */
export function nodeOperation<const In extends InputSchema>(
  domain: string,
  name: string,
  spec: NodeOperationSpec<In>,
): OperationDef<In> {
  const query = name === "list" || name === "get";
  // checked against the API's permission names by tests/core/operations_test.ts
  const permission = `${domain}:${query ? "read" : "write"}` as Permission;
  return defineOperation({
    type: `node.${domain}.${name}`,
    kind: query ? "query" : "modify",
    permission,
    summary: spec.summary,
    input: spec.input,
    result: spec.result,
    routes: [spec.route],
    cli: { command: ["node", domain, name], args: spec.args ?? Object.keys(spec.input.shape) },
    provider: `${domain}_${name}`,
  });
}

/** The declaration helpers of one node domain (see {@link nodeDomain}). */
export interface NodeDomain {
  /** A route at `<base>` or, `byParam`, `<base>/{<param>}` (the parameter is the same field). */
  route(
    method: RouteDef["method"],
    byParam: boolean,
    operationId: string,
    collection: string,
    extra?: Partial<RouteDef>,
  ): RouteDef;
  /** Operation `node.<domain>.<name>` (see {@link nodeOperation}). */
  op<const In extends InputSchema>(
    name: string,
    summary: string,
    input: In,
    result: z.ZodObject,
    route: RouteDef,
    args?: string[],
  ): OperationDef<In>;
  /** `node.<domain>.list`: GET `<base>`, one answer item per element of `entries`. */
  list(
    summary: string,
    entry: z.ZodObject,
    operationId: string,
    collection: string,
  ): OperationDef<typeof noInput>;
  /** `node.<domain>.get`: GET `<base>/{<param>}`. */
  get<const In extends InputSchema>(
    summary: string,
    input: In,
    entry: z.ZodObject,
    operationId: string,
    collection: string,
  ): OperationDef<In>;
  /** `node.<domain>.delete`: DELETE `<base>/{<param>}`. */
  remove<const In extends InputSchema>(
    summary: string,
    input: In,
    result: z.ZodObject,
    operationId: string,
    collection: string,
  ): OperationDef<In>;
}

const noInput = z.strictObject({}).meta({ description: "No input." });

/**
 * The helpers of node domain `domain`, served at `/api/node/{hostname}/<base>` with items
 * named by path parameter `param` and OpenAPI tag `tag`.
 */
export function nodeDomain(domain: string, base: string, param: string, tag: string): NodeDomain {
  const route: NodeDomain["route"] = (method, byParam, operationId, collection, extra = {}) =>
    nodeRoute(method, byParam ? `${base}/{${param}}` : base, operationId, tag, collection, {
      ...(byParam ? { params: { [param]: param } } : {}),
      ...extra,
    });
  const op: NodeDomain["op"] = (name, summary, input, result, route, args) =>
    nodeOperation(domain, name, { summary, input, result, route, ...(args ? { args } : {}) });
  return {
    route,
    op,
    list: (summary, entry, operationId, collection) =>
      op(
        "list",
        summary,
        noInput,
        z.looseObject({ entries: z.array(entry) }),
        route("get", false, operationId, collection, { items: "entries" }),
      ),
    get: (summary, input, entry, operationId, collection) =>
      op("get", summary, input, entry, route("get", true, operationId, collection)),
    remove: (summary, input, result, operationId, collection) =>
      op("delete", summary, input, result, route("delete", true, operationId, collection)),
  };
}

/** `o` with its CLI laying out result field `field` (a list, or one object) as rows. */
export const expanded = <T extends OperationDef>(o: T, field: string): T => ({
  ...o,
  cli: { ...o.cli, expand: field },
});
