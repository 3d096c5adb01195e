/** Zod schemas shared by several routes: the target parameter and per-host collections. */
import { z } from "@hono/zod-openapi";
import { parseTarget, RouteError } from "../core/targets.ts";

/** Longest accepted target. */
export const MAX_TARGET = 256;

/** A target in user syntax, checked with the subject router's parser. */
export const Target = z.string().min(1).max(MAX_TARGET).superRefine((s, ctx) => {
  try {
    parseTarget(s);
  } catch (e) {
    if (!(e instanceof RouteError)) throw e;
    ctx.addIssue({ code: "custom", message: e.message });
  }
});

/** The `target_hostname` query parameter of every domain operation. */
export const TargetQuery = z.object({
  target_hostname: Target.default("_any").openapi({
    param: { name: "target_hostname", in: "query" },
    description: "_any (one worker), _all (every worker), a host name, or key:value (label group)",
    example: "_any",
  }),
});

/** `{job_id, results}`: the answer of every domain operation, one item per host. */
export function collection<T extends z.ZodType>(item: T, name: string) {
  return z.object({
    job_id: z.uuid().openapi({ description: "the job that produced these results" }),
    results: z.array(item),
  }).openapi(name);
}

/** The fields every per-host result may carry. */
export const hostFields = {
  hostname: z.string().openapi({ description: "host that answered" }),
  error: z.string().optional().openapi({ description: "why the operation failed on this host" }),
};

/** A uuid path parameter named `id`. */
export const IdParam = z.object({
  id: z.uuid({ message: "id must be a UUID" }).openapi({
    param: { name: "id", in: "path" },
    example: "0193f8a4-5b6c-7d8e-9f01-23456789abcd",
  }),
});
