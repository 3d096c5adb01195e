/** `/command/exec` and `/command/shell`: run a command on the target hosts. */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import { commandExecOp, commandShellOp } from "../../job/operations.ts";
import { ExecData, ShellData } from "../operations.ts";
import { securedRoute } from "../route.ts";
import { collectionBody, runOperation } from "../run_job.ts";
import { collection, hostFields, TargetQuery } from "../schemas.ts";

const CommandResult = z.looseObject({
  ...hostFields,
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  exit_code: z.number().int().optional(),
  duration_ms: z.number().optional().openapi({ description: "run time in milliseconds" }),
  changed: z.boolean().optional(),
}).openapi("CommandResult");

const CommandCollection = collection(CommandResult, "CommandResultCollection");

const KINDS = [
  {
    path: "/command/exec",
    op: commandExecOp,
    operationId: "PostCommandExec",
    summary: "Run a program with arguments, without a shell",
    request: ExecData.openapi("CommandExecRequest"),
  },
  {
    path: "/command/shell",
    op: commandShellOp,
    operationId: "PostCommandShell",
    summary: "Run a command line through /bin/sh -c",
    request: ShellData.openapi("CommandShellRequest"),
  },
] as const;

/** Registers the `/command/*` routes. */
export function registerCommandRoutes(app: ApiApp, deps: AppDeps): void {
  for (const k of KINDS) {
    app.openapi(
      securedRoute(k.op.permission, {
        method: "post",
        path: k.path,
        operationId: k.operationId,
        tags: ["Command"],
        summary: k.summary,
        request: {
          query: TargetQuery,
          body: { required: true, content: { "application/json": { schema: k.request } } },
        },
        responses: {
          202: {
            description: "one result per host",
            content: { "application/json": { schema: CommandCollection } },
          },
        },
      }),
      async (c) => {
        const { target_hostname } = c.req.valid("query");
        const data = c.req.valid("json") as Record<string, unknown>;
        const result = await runOperation(deps, c, k.op.type, data, target_hostname);
        return c.json(collectionBody(result), 202);
      },
    );
  }
}
