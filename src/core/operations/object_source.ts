/**
 * Content given by reference to the file object store (`POST /api/file`): the `object` and
 * `content_type` fields of OSAPI's requests, and the rule that exactly one of `object` and an
 * operation's inline field (osapi's extension) is given.
 */
import { z } from "zod";
import { FILE_CONTENT_TYPES, FILE_NAME } from "../files.ts";
import { str } from "./fields.ts";

/** The name of a file in the object store. */
export const objectName = str({
  description: "Name of the file in the object store.",
  minLength: 1,
  maxLength: 255,
  pattern: FILE_NAME,
  hint: "letters, digits, ., _ and -, starting with a letter or digit",
  example: "nginx.conf",
});

/** How a stored file is used: "raw" only (osapi renders no templates; checked by the rule). */
export const contentType = z.enum(FILE_CONTENT_TYPES, {
  error: (iss) =>
    `must be one of ${FILE_CONTENT_TYPES.join(", ")} (got ${JSON.stringify(iss.input)})`,
}).meta({ description: 'How the file is written: "raw" (as stored; osapi renders no templates).' });

/** One refusal of {@link sourceIssues}: its message and the field it names. */
export interface SourceIssue {
  message: string;
  field: string;
}

/** The issue of a `template` content type, if `value` has one (osapi renders none). */
export function templateIssues(value: { content_type?: string }): SourceIssue[] {
  if (value.content_type !== "template") return [];
  return [{
    message: 'templates are not rendered by osapi: deploy the file as "raw"',
    field: "content_type",
  }];
}

/**
 * What is wrong with the content source of `value`: both `object` and `inline` given, neither
 * (when `required`), `content_type` without `object`, or a template.
 */
export function sourceIssues(
  value: Record<string, unknown>,
  inline: string,
  required: boolean,
): SourceIssue[] {
  const hasObject = value.object !== undefined;
  const hasInline = value[inline] !== undefined;
  const out: SourceIssue[] = [];
  if (hasObject && hasInline) {
    out.push({ message: `give either object or ${inline}, not both`, field: "object" });
  } else if (required && !hasObject && !hasInline) {
    out.push({ message: `give object (a file of /api/file) or ${inline}`, field: "object" });
  }
  if (value.content_type !== undefined && !hasObject) {
    out.push({ message: "applies to object only", field: "content_type" });
  }
  return [...out, ...templateIssues(value)];
}

/** Adds `issues` to a zod check's issues. */
export function addIssues(
  ctx: z.core.ParsePayload<Record<string, unknown>>,
  issues: SourceIssue[],
): void {
  for (const { message, field } of issues) {
    ctx.issues.push({ code: "custom", message, input: ctx.value, path: [field] });
  }
}
