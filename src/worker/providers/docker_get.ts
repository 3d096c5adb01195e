/** `node.docker.get`: one container in detail (Docker Engine `GET /containers/{id}/json`). */
import { OperationInputError } from "../../core/job.ts";
import { dockerGet as dockerGetOp } from "../../core/operations/docker.ts";
import { inspectContainer, summaryOf } from "./docker_api.ts";
import { provide } from "./types.ts";

/** Inspects the container: summary, ports, mounts, env, network settings, health. */
export const dockerGet = provide(dockerGetOp, async (input, ctx) => {
  const c = await inspectContainer(ctx, input.id);
  if (!c) throw new OperationInputError(`no container ${input.id} on this host`, "id");
  const ports = Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([inner, binds]) =>
    (binds ?? []).map((b) => `${b.HostPort ?? ""}:${inner.replace(/\/tcp$/, "")}`)
  );
  const network_settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.NetworkSettings ?? {})) {
    if (typeof v === "string" && v !== "") network_settings[k] = v;
  }
  return {
    ...summaryOf(c),
    ports,
    mounts: (c.Mounts ?? []).map((m) => `${m.Source ?? ""}:${m.Destination ?? ""}`),
    env: c.Config?.Env ?? [],
    network_settings,
    ...(c.State?.Health?.Status ? { health: c.State.Health.Status } : {}),
  };
});

export default dockerGet;
