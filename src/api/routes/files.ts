/**
 * The `/api/file` sub-app: the object store of files deployed to hosts (upload, list, get,
 * delete), as OSAPI's routes. Uploads are `multipart/form-data` (`name`, `file`, optional
 * `content_type`), bounded by `nats.objects.max_file_size` instead of `api.server.max_body`.
 */
import { z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import {
  FILE_CONTENT_TYPES,
  FILE_NAME,
  type FileContentType,
  fileNameProblem,
  type FileService,
} from "../../core/files.ts";
import type { ApiApp, AppDeps } from "../context.ts";
import { ApiError, problemResponse } from "../problem.ts";
import { newApp, securedRoute } from "../route.ts";

/** The path of the upload route (the app-wide body limit leaves it to its own). */
export const FILE_UPLOAD_PATH = "/api/file";

/** Room for the multipart framing and the other form fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

const TAG = "File_Management_API_file_operations";

const FileInfo = z.object({
  name: z.string(),
  sha256: z.string().meta({ description: "hex SHA-256 of the content" }),
  size: z.number().int(),
  content_type: z.enum(FILE_CONTENT_TYPES),
  source: z.enum(["user"]).meta({ description: "who stored it (user: uploaded)" }),
}).openapi("FileInfo");

const FileListResponse = z.object({ files: z.array(FileInfo), total: z.number().int() })
  .openapi("FileListResponse");

const FileInfoResponse = FileInfo.omit({ source: true }).openapi("FileInfoResponse");

const FileUploadResponse = z.object({
  name: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  changed: z.boolean().meta({ description: "false when the same content was already stored" }),
  content_type: z.enum(FILE_CONTENT_TYPES),
}).openapi("FileUploadResponse");

const FileDeleteResponse = z.object({ name: z.string(), deleted: z.boolean() })
  .openapi("FileDeleteResponse");

const StaleDeployment = z.object({
  object_name: z.string(),
  hostname: z.string(),
  provider: z.string().meta({ description: "what deployed it (file: node.file.deploy)" }),
  path: z.string(),
  deployed_sha: z.string(),
  current_sha: z.string(),
  deployed_at: z.string(),
}).openapi("StaleDeployment");

const StaleDeploymentsResponse = z.object({
  stale: z.array(StaleDeployment),
  total: z.number().int(),
}).openapi("StaleDeploymentsResponse");

const NameParam = z.object({
  name: z.string().min(1).max(255).regex(FILE_NAME).openapi({
    param: { name: "name", in: "path" },
    description: "The file's name in the object store.",
    example: "nginx.conf",
  }),
});

const UploadQuery = z.object({
  force: z.enum(["true", "false"]).default("false").openapi({
    param: { name: "force", in: "query" },
    description: "Replace a file of the same name holding other content.",
  }),
});

const UploadForm = z.object({
  name: z.string().min(1).max(255).openapi({ example: "nginx.conf" }),
  content_type: z.enum(FILE_CONTENT_TYPES).default("raw"),
  // a File (checked by the handler): the schema only documents it
  file: z.any().openapi({ type: "string", format: "binary", description: "the content" }),
}).openapi("FileUploadRequest");

function filesOf(deps: AppDeps): FileService {
  if (!deps.files) throw new ApiError(503, "file store unavailable: no NATS connection");
  return deps.files;
}

/** The upload's fields, checked: a 400 naming the field at fault. */
async function uploadFields(
  form: Record<string, unknown>,
): Promise<{ name: string; contentType: FileContentType; data: Uint8Array }> {
  const name = form.name;
  if (typeof name !== "string") throw new ApiError(400, 'missing form field "name"');
  const problem = fileNameProblem(name);
  if (problem) throw new ApiError(400, `name: ${problem}`);
  const type = form.content_type ?? "raw";
  if (typeof type !== "string" || !(FILE_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(
      400,
      `content_type: must be one of ${FILE_CONTENT_TYPES.join(", ")} (got ${
        JSON.stringify(typeof type === "string" ? type : "a file")
      })`,
    );
  }
  const file = form.file;
  const data = typeof file === "string"
    ? new TextEncoder().encode(file)
    : file instanceof Blob
    ? new Uint8Array(await file.arrayBuffer())
    : undefined;
  if (!data) throw new ApiError(400, 'missing form field "file" (one file)');
  return { name, contentType: type as FileContentType, data };
}

/** The `/api/file*` routes, to mount at `/api/file`. */
export function fileRoutes(deps: AppDeps): ApiApp {
  const app = newApp();
  const max = deps.config.nats.objects.max_file_size;
  app.post(
    "/",
    bodyLimit({
      maxSize: max + MULTIPART_OVERHEAD,
      onError: (c) =>
        problemResponse(
          c,
          413,
          `file larger than ${max} bytes (nats.objects.max_file_size)`,
        ),
    }),
  );
  app.openapi(
    securedRoute("file:write", {
      method: "post",
      path: "/",
      operationId: "PostFile",
      tags: [TAG],
      summary: "Upload a file to the object store",
      request: {
        query: UploadQuery,
        body: {
          required: true,
          content: { "multipart/form-data": { schema: UploadForm } },
        },
      },
      responses: {
        201: {
          description: "the file stored (changed: false when it already was)",
          content: { "application/json": { schema: FileUploadResponse } },
        },
      },
    }, [409, 503]),
    async (c) => {
      const files = filesOf(deps);
      const force = c.req.valid("query").force === "true";
      const { name, contentType, data } = await uploadFields(c.req.valid("form"));
      if (data.length > max) {
        throw new ApiError(413, `file larger than ${max} bytes (nats.objects.max_file_size)`);
      }
      return c.json(await files.upload(name, data, contentType, force), 201);
    },
  );

  app.openapi(
    securedRoute("file:read", {
      method: "get",
      path: "/",
      operationId: "GetFiles",
      tags: [TAG],
      summary: "List the files of the object store",
      responses: {
        200: {
          description: "every stored file",
          content: { "application/json": { schema: FileListResponse } },
        },
      },
    }, [503]),
    async (c) => {
      const list = await filesOf(deps).list();
      return c.json({ files: list, total: list.length }, 200);
    },
  );

  // before /{name}
  app.openapi(
    securedRoute("file:read", {
      method: "get",
      path: "/stale",
      operationId: "GetFileStale",
      tags: [TAG],
      summary: "Deployments whose file changed in the object store since they were deployed",
      responses: {
        200: {
          description: "the stale deployments (may be none)",
          content: { "application/json": { schema: StaleDeploymentsResponse } },
        },
      },
    }, [503]),
    async (c) => {
      const stale = await filesOf(deps).stale();
      return c.json({ stale, total: stale.length }, 200);
    },
  );

  app.openapi(
    securedRoute("file:read", {
      method: "get",
      path: "/{name}",
      operationId: "GetFileByName",
      tags: [TAG],
      summary: "Get a stored file's metadata",
      request: { params: NameParam },
      responses: {
        200: {
          description: "the file's metadata",
          content: { "application/json": { schema: FileInfoResponse } },
        },
      },
    }, [404, 503]),
    async (c) => {
      const { name } = c.req.valid("param");
      const info = await filesOf(deps).info(name);
      if (!info) throw new ApiError(404, `no file named ${name} in the object store`);
      const { source: _s, ...rest } = info;
      return c.json(rest, 200);
    },
  );

  app.openapi(
    securedRoute("file:write", {
      method: "delete",
      path: "/{name}",
      operationId: "DeleteFileByName",
      tags: [TAG],
      summary: "Delete a file from the object store",
      request: { params: NameParam },
      responses: {
        200: {
          description: "the file deleted",
          content: { "application/json": { schema: FileDeleteResponse } },
        },
      },
    }, [404, 503]),
    async (c) => {
      const { name } = c.req.valid("param");
      if (!await filesOf(deps).remove(name)) {
        throw new ApiError(404, `no file named ${name} in the object store`);
      }
      return c.json({ name, deleted: true }, 200);
    },
  );
  return app;
}
