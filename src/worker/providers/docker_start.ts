/** `node.docker.start`: starts a container (`POST /containers/{id}/start`). */
import { dockerStart as dockerStartOp } from "../../core/operations/docker.ts";
import { containerAction } from "./docker_action.ts";
import { provide } from "./types.ts";

/** Starts the container; unchanged when it already runs. */
export const dockerStart = provide(dockerStartOp, (input, ctx) =>
  containerAction(ctx, input.id, {
    method: "POST",
    suffix: "/start",
    done: "container started",
    already: "container already running",
    unchanged: 304,
  }));

export default dockerStart;
