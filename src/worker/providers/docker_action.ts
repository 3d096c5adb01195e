/** Container actions answering `{id, message, changed}`: start, stop, remove. */
import { containerPath, dockerRequest, expectStatus } from "./docker_api.ts";
import type { ProviderContext } from "./types.ts";

/** One action: its engine request, and the messages of a change and of no change. */
export interface ContainerAction {
  method: "POST" | "DELETE";
  /** Appended to `/containers/{id}`. */
  suffix: string;
  query?: Record<string, string | undefined>;
  done: string;
  already: string;
  /** The status meaning "nothing to do" (304 for start/stop, 404 for remove). */
  unchanged: number;
  timeoutMs?: number;
}

/** Runs `action` on container `id`. */
export async function containerAction(
  ctx: ProviderContext,
  id: string,
  action: ContainerAction,
): Promise<{ id: string; message: string; changed: boolean }> {
  const r = await dockerRequest(ctx, {
    method: action.method,
    path: containerPath(id, action.suffix),
    query: action.query,
    timeoutMs: action.timeoutMs,
  });
  if (r.status === action.unchanged) return { id, message: action.already, changed: false };
  expectStatus(r, [200, 204], { kind: "container", id, field: "id" });
  ctx.log.info(action.done, { id });
  return { id, message: action.done, changed: true };
}
