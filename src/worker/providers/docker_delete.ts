/** `node.docker.delete`: removes a container (`DELETE /containers/{id}`). */
import { dockerDelete as dockerDeleteOp } from "../../core/operations/docker.ts";
import { containerAction } from "./docker_action.ts";
import { provide } from "./types.ts";

/** Removes the container (a running one only with `force`); unchanged when there is none. */
export const dockerDelete = provide(dockerDeleteOp, (input, ctx) =>
  containerAction(ctx, input.id, {
    method: "DELETE",
    suffix: "",
    query: input.force ? { force: "1" } : {},
    done: "container removed",
    already: "no such container",
    unchanged: 404,
  }));

export default dockerDelete;
