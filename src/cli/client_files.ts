/**
 * `osapi client file ...`: the object store of files (`/api/file`): upload a local file, list,
 * get, delete, and the stale deployments. Deploying is `osapi client node file deploy`.
 */
import type { Command } from "@commander-js/extra-typings";
import type { ApiClient } from "../api/client.ts";
import { CliError } from "./context.ts";
import { keyValues, printJson, table } from "./client_output.ts";

type Row = Record<string, unknown>;
// deno-lint-ignore no-explicit-any
type AnyCommand = Command<any[], any>;

/** What the file commands need of `osapi client`. */
export interface FileCommandDeps {
  clientFor(cmd: AnyCommand): Promise<{ api: ApiClient; json: boolean }>;
  call<T>(f: () => Promise<T>): Promise<T>;
}

const FILE_COLUMNS = ["name", "size", "sha256", "content_type"];
const STALE_COLUMNS = ["hostname", "path", "object_name", "deployed_sha", "current_sha"];

/** Registers `osapi client file` under `client`. */
export function registerFiles(client: Command, deps: FileCommandDeps): void {
  const file = client.command("file").description("the object store of files (/api/file)");
  file.command("upload")
    .description("POST /api/file: store a local file under a name")
    .argument("<name>", "name in the object store")
    .argument("<path>", "local file to upload")
    .option("--content-type <type>", "raw or template", "raw")
    .option("--force", "replace a file of this name holding other content")
    .action(async (name, path, opts, cmd) => {
      const { api, json } = await deps.clientFor(cmd);
      let data: Uint8Array;
      try {
        data = await Deno.readFile(path);
      } catch (e) {
        throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
      }
      const form = new FormData();
      form.set("name", name);
      form.set("content_type", opts.contentType);
      form.set("file", new Blob([data as Uint8Array<ArrayBuffer>]), name);
      const res = await deps.call(() =>
        api.request<Row>("POST", "/api/file", {
          body: form,
          query: { force: opts.force ? "true" : undefined },
        })
      );
      if (json) printJson(res.body);
      else console.log(keyValues(res.body));
    });
  file.command("list")
    .description("GET /api/file")
    .action(async (_opts, cmd) => {
      const { api, json } = await deps.clientFor(cmd);
      const body = await deps.call(() => api.get<{ files: Row[]; total: number }>("/api/file"));
      if (json) printJson(body);
      else console.log(`${table(body.files, FILE_COLUMNS)}\n\n${body.total} files`);
    });
  file.command("get")
    .description("GET /api/file/{name}")
    .argument("<name>", "name in the object store")
    .action(async (name, _opts, cmd) => {
      const { api, json } = await deps.clientFor(cmd);
      const body = await deps.call(() => api.get<Row>(`/api/file/${encodeURIComponent(name)}`));
      if (json) printJson(body);
      else console.log(keyValues(body));
    });
  file.command("delete")
    .description("DELETE /api/file/{name}")
    .argument("<name>", "name in the object store")
    .action(async (name, _opts, cmd) => {
      const { api, json } = await deps.clientFor(cmd);
      const res = await deps.call(() =>
        api.request<Row>("DELETE", `/api/file/${encodeURIComponent(name)}`)
      );
      if (json) printJson(res.body);
      else console.log(keyValues(res.body));
    });
  file.command("stale")
    .description("GET /api/file/stale: deployments whose file changed since")
    .action(async (_opts, cmd) => {
      const { api, json } = await deps.clientFor(cmd);
      const body = await deps.call(() =>
        api.get<{ stale: Row[]; total: number }>("/api/file/stale")
      );
      if (json) printJson(body);
      else console.log(`${table(body.stale, STALE_COLUMNS)}\n\n${body.total} stale`);
    });
}
