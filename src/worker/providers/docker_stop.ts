/** `node.docker.stop`: stops a container (`POST /containers/{id}/stop?t=<timeout>`). */
import { dockerStop as dockerStopOp } from "../../core/operations/docker.ts";
import { containerAction } from "./docker_action.ts";
import { provide } from "./types.ts";

/** Stops the container (killed after `timeout` s, default 10); unchanged when it is stopped. */
export const dockerStop = provide(dockerStopOp, (input, ctx) => {
  const t = input.timeout ?? 10;
  return containerAction(ctx, input.id, {
    method: "POST",
    suffix: "/stop",
    query: { t: String(t) },
    done: "container stopped",
    already: "container already stopped",
    unchanged: 304,
    timeoutMs: (t + 30) * 1000,
  });
});

export default dockerStop;
