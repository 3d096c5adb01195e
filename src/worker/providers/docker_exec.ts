/**
 * `node.docker.exec`: runs a command in a running container (`POST /containers/{id}/exec`,
 * then `POST /exec/{exec}/start` and `GET /exec/{exec}/json` for the exit code).
 */
import { dockerExec as dockerExecOp } from "../../core/operations/docker.ts";
import { containerPath, demultiplex, dockerRequest, expectStatus, json } from "./docker_api.ts";
import { provide } from "./types.ts";

/** Runs the command (argv, no shell) and returns its output and exit code. */
export const dockerExec = provide(dockerExecOp, async (input, ctx) => {
  const where = { kind: "container" as const, id: input.id, field: "id" };
  const created = await dockerRequest(ctx, {
    method: "POST",
    path: containerPath(input.id, "/exec"),
    body: {
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: input.command,
      ...(input.env ? { Env: input.env } : {}),
      ...(input.working_dir ? { WorkingDir: input.working_dir } : {}),
    },
  });
  expectStatus(created, [201], where);
  const exec = `/exec/${encodeURIComponent(json<{ Id: string }>(created).Id)}`;
  const started = await dockerRequest(ctx, {
    method: "POST",
    path: `${exec}/start`,
    body: { Detach: false, Tty: false },
    timeoutMs: 300_000,
  });
  expectStatus(started, [200], where);
  const info = await dockerRequest(ctx, { method: "GET", path: `${exec}/json` });
  expectStatus(info, [200], where);
  const { ExitCode } = json<{ ExitCode: number | null }>(info);
  ctx.log.info("command run in container", { id: input.id, exit_code: ExitCode });
  return { ...demultiplex(started.body), exit_code: ExitCode ?? -1, changed: true };
});

export default dockerExec;
