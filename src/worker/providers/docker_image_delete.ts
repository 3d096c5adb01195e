/** `node.docker.image_delete`: removes an image (`DELETE /images/{ref}`). */
import { dockerImageDelete as dockerImageDeleteOp } from "../../core/operations/docker.ts";
import { dockerRequest, expectStatus } from "./docker_api.ts";
import { provide } from "./types.ts";

/** Removes the image (one in use only with `force`); unchanged when there is none. */
export const dockerImageDelete = provide(dockerImageDeleteOp, async (input, ctx) => {
  const r = await dockerRequest(ctx, {
    method: "DELETE",
    path: `/images/${encodeURIComponent(input.image)}`,
    query: input.force ? { force: "1" } : {},
  });
  if (r.status === 404) return { id: input.image, message: "no such image", changed: false };
  expectStatus(r, [200], { kind: "image", id: input.image, field: "image" });
  ctx.log.info("image removed", { image: input.image });
  return { id: input.image, message: "image removed", changed: true };
});

export default dockerImageDelete;
