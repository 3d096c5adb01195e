/** `node.docker.create`: a new container from a local image (Docker Engine `POST /containers/create`). */
import { OperationInputError } from "../../core/job.ts";
import {
  dockerCreate as dockerCreateOp,
  type DockerCreateInput,
} from "../../core/operations/docker.ts";
import {
  containerPath,
  dockerRequest,
  engineMessage,
  expectStatus,
  inspectContainer,
  json,
  summaryOf,
} from "./docker_api.ts";
import { provide } from "./types.ts";

/** The engine's create body of the input. */
function createBody(input: DockerCreateInput) {
  const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  const exposed: Record<string, Record<string, never>> = {};
  for (const p of input.ports ?? []) {
    const [spec, proto = "tcp"] = p.split("/");
    const parts = spec.split(":");
    const inner = `${parts[parts.length - 1]}/${proto}`;
    const host = parts[parts.length - 2];
    const ip = parts.length === 3 ? parts[0] : undefined;
    (bindings[inner] ??= []).push({ ...(ip ? { HostIp: ip } : {}), HostPort: host });
    exposed[inner] = {};
  }
  return {
    Image: input.image,
    ...(input.hostname ? { Hostname: input.hostname } : {}),
    ...(input.command?.length ? { Cmd: input.command } : {}),
    ...(input.env ? { Env: input.env } : {}),
    ...(input.ports?.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(input.ports?.length ? { PortBindings: bindings } : {}),
      ...(input.volumes?.length ? { Binds: input.volumes } : {}),
      ...(input.dns?.length ? { Dns: input.dns } : {}),
    },
  };
}

/**
 * Creates (and, unless `auto_start` is false, starts) the container; a container of the same
 * name from the same image is left as it is (`changed: false`), from another image refused.
 */
export const dockerCreate = provide(dockerCreateOp, async (input, ctx) => {
  if (input.name) {
    const existing = await inspectContainer(ctx, input.name);
    if (existing) {
      if (existing.Config?.Image !== input.image) {
        throw new OperationInputError(
          `container ${input.name} already exists from image ${existing.Config?.Image}`,
          "name",
        );
      }
      return { ...summaryOf(existing), changed: false };
    }
  }
  const r = await dockerRequest(ctx, {
    method: "POST",
    path: "/containers/create",
    query: { name: input.name },
    body: createBody(input),
  });
  if (r.status === 404) {
    throw new OperationInputError(
      `image ${input.image} is not on this host (pull it first): ${engineMessage(r)}`,
      "image",
    );
  }
  expectStatus(r, [201], { kind: "image", id: input.image, field: "image" });
  const { Id } = json<{ Id: string }>(r);
  if (input.auto_start ?? true) {
    const s = await dockerRequest(ctx, { method: "POST", path: containerPath(Id, "/start") });
    expectStatus(s, [204, 304], { kind: "container", id: Id, field: "name" });
  }
  const created = await inspectContainer(ctx, Id);
  ctx.log.info("container created", { id: Id, image: input.image });
  return {
    ...(created ? summaryOf(created) : { id: Id, name: input.name ?? "", image: input.image }),
    changed: true,
  };
});

export default dockerCreate;
