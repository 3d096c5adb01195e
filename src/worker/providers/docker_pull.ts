/** `node.docker.pull`: pulls an image (`POST /images/create`, then `GET /images/{ref}/json`). */
import { OperationInputError } from "../../core/job.ts";
import { dockerPull as dockerPullOp } from "../../core/operations/docker.ts";
import { dockerRequest, expectStatus, json } from "./docker_api.ts";
import type { ProviderContext } from "./types.ts";
import { provide } from "./types.ts";

/** Name and tag of a reference (`latest` when none; a digest reference keeps its digest). */
export function splitRef(ref: string): { name: string; tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : {
    name: ref,
    tag: "latest",
  };
}

/** The local image `ref`'s id and size, or undefined. */
export async function inspectImage(
  ctx: ProviderContext,
  ref: string,
): Promise<{ Id: string; Size?: number } | undefined> {
  const r = await dockerRequest(ctx, {
    method: "GET",
    path: `/images/${encodeURIComponent(ref)}/json`,
  });
  if (r.status === 404) return undefined;
  expectStatus(r, [200], { kind: "image", id: ref, field: "image" });
  return json<{ Id: string; Size?: number }>(r);
}

/** Pulls the image; unchanged when the local image id did not change. */
export const dockerPull = provide(dockerPullOp, async (input, ctx) => {
  const { name, tag } = splitRef(input.image);
  const before = await inspectImage(ctx, input.image);
  const r = await dockerRequest(ctx, {
    method: "POST",
    path: "/images/create",
    query: { fromImage: name, tag },
    timeoutMs: 600_000,
  });
  expectStatus(r, [200], { kind: "image", id: input.image, field: "image" });
  // progress lines; a failed pull still answers 200 with an {"error": ...} line
  for (const line of new TextDecoder().decode(r.body).split("\n")) {
    if (!line.trim()) continue;
    const error = (JSON.parse(line) as { error?: string }).error;
    if (error) throw new OperationInputError(`pull of ${input.image} failed: ${error}`, "image");
  }
  const after = await inspectImage(ctx, input.image);
  if (!after) throw new Error(`image ${input.image} is not on this host after its pull`);
  const changed = before?.Id !== after.Id;
  if (changed) ctx.log.info("image pulled", { image: input.image, id: after.Id });
  return {
    image_id: after.Id,
    tag,
    ...(after.Size !== undefined ? { size: after.Size } : {}),
    changed,
  };
});

export default dockerPull;
