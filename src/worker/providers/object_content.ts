/**
 * Reading a file of the object store from a provider: fetched through `ctx.files`, checked
 * against its SHA-256, and (for text content) decoded as UTF-8.
 */
import type { z } from "zod";
import { OperationInputError } from "../../core/job.ts";
import { type FileObject, sha256Hex } from "../../core/files.ts";
import type { ProviderContext } from "./types.ts";

/** The stored file `name` with its verified SHA-256; a missing one names `field`. */
export async function fetchObject(
  ctx: ProviderContext,
  name: string,
  field: string,
): Promise<FileObject & { sha256: string }> {
  if (!ctx.files) throw new Error("no file object store on this worker");
  const obj = await ctx.files(name);
  if (!obj) throw new OperationInputError(`no file named ${name} in the object store`, field);
  const sha256 = await sha256Hex(obj.data);
  if (sha256 !== obj.info.sha256) {
    throw new Error(
      `file ${name}: content read has SHA-256 ${sha256}, the store says ${obj.info.sha256}`,
    );
  }
  return { ...obj, sha256 };
}

/** The text of the stored file `name` (UTF-8; other bytes are refused naming `field`). */
export async function objectText(
  ctx: ProviderContext,
  name: string,
  field = "object",
): Promise<string> {
  const obj = await fetchObject(ctx, name, field);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(obj.data);
  } catch {
    throw new OperationInputError(`file ${name} of the object store is not UTF-8 text`, field);
  }
}

/**
 * The content of a request giving it `inline` or by the stored file `object`: `inline` when no
 * object is named, else the object's text after `prepare`, checked with `schema` as the inline
 * field it stands for is; refusals name `object` and say what the file must hold (`what`).
 */
export async function sourceContent(
  ctx: ProviderContext,
  object: string | undefined,
  inline: string | undefined,
  schema: z.ZodType<string>,
  what: string,
  prepare: (text: string) => string = (t) => t,
): Promise<string | undefined> {
  if (object === undefined) return inline;
  const checked = schema.safeParse(prepare(await objectText(ctx, object)));
  if (checked.success) return checked.data;
  throw new OperationInputError(
    `file ${object} of the object store must hold ${what}: ${checked.error.issues[0].message}`,
    "object",
  );
}
