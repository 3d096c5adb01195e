/**
 * The `/docs` page: a self-contained HTML rendering of the OpenAPI document (no scripts, no
 * CDN, nothing read from disk: compile-safe and offline), one section per tag listing each
 * operation's method, path, permission, parameters, request and response fields (name, type,
 * required, description) and responses; descriptions are rendered from Markdown.
 */
import { escapeHtml as esc, markdown } from "./markdown.ts";
import type { OpenApiDocument } from "./openapi.ts";

type Json = Record<string, unknown>;

/** Resolves a local `$ref` (`#/components/schemas/X`) against the document. */
function resolve(schema: unknown, doc: Json): Json {
  const s = (schema ?? {}) as Json;
  if (typeof s.$ref !== "string" || !s.$ref.startsWith("#/")) return s;
  let cur: unknown = doc;
  for (const part of s.$ref.slice(2).split("/")) cur = (cur as Json | undefined)?.[part];
  return (cur ?? {}) as Json;
}

function schemaName(schema: unknown, doc: Json): string {
  const s = (schema ?? {}) as Json;
  if (typeof s.$ref === "string") return s.$ref.split("/").pop()!;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.type === "array") return `${schemaName(s.items, doc)}[]`;
  const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (variants) return variants.map((v) => schemaName(v, doc)).join(" | ");
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") {
    return `map of ${schemaName(s.additionalProperties, doc)}`;
  }
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return typeof s.type === "string" ? s.type : "object";
}

/** The object schema whose fields describe `schema` (itself, an array's items), if any. */
function objectOf(schema: unknown, doc: Json): Json | undefined {
  let s = resolve(schema, doc);
  if (s.type === "array") s = resolve(s.items, doc);
  return s.properties && typeof s.properties === "object" ? s : undefined;
}

/** Limits of a field shown with its type (length, range, pattern, default). */
function limits(s: Json): string {
  const parts: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) {
    parts.push(`length ${s.minLength ?? 0}..${s.maxLength ?? "∞"}`);
  }
  if (s.minimum !== undefined || s.maximum !== undefined) {
    parts.push(`${s.minimum ?? "-∞"}..${s.maximum ?? "∞"}`);
  }
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.length > 0 ? ` <small>(${esc(parts.join(", "))})</small>` : "";
}

/** A table of an object schema's fields; nested objects get their own table (depth-limited). */
function fieldsHtml(schema: unknown, doc: Json, depth = 0, seen = new Set<unknown>()): string {
  const obj = objectOf(schema, doc);
  if (!obj || depth > 4 || seen.has(obj)) return "";
  const inner = new Set(seen).add(obj);
  const required = new Set((obj.required ?? []) as string[]);
  const rows = Object.entries(obj.properties as Record<string, unknown>).map(([name, prop]) => {
    const p = resolve(prop, doc);
    const nested = fieldsHtml(prop, doc, depth + 1, inner);
    const description = (prop as Json).description ?? p.description;
    return `<tr><td><code>${esc(name)}</code></td><td><code>${esc(schemaName(prop, doc))}</code>${
      limits(p)
    }</td><td>${required.has(name) ? "yes" : ""}</td><td>${
      markdown(description as string | undefined)
    }${nested}</td></tr>`;
  }).join("");
  return `<table class="f"><tr><th>field</th><th>type</th><th>required</th><th>description</th>` +
    `</tr>${rows}</table>`;
}

function contentHtml(label: string, content: Json | undefined, doc: Json): string {
  if (!content) return "";
  return Object.entries(content).map(([type, c]) => {
    const schema = (c as Json).schema;
    return `<p>${label} <code>${esc(type)}</code>: <code>${
      esc(schemaName(schema, doc))
    }</code></p>` +
      fieldsHtml(schema, doc);
  }).join("");
}

function operationHtml(method: string, path: string, op: Json, doc: Json): string {
  const security = (op.security as Json[] | undefined)?.flatMap((s) => Object.values(s).flat());
  const perm = security === undefined || (op.security as Json[]).length === 0
    ? "public"
    : security.length > 0
    ? security.map(esc).join(", ")
    : "any valid token";
  const params = ((op.parameters ?? []) as Json[]).map((p) =>
    `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td><code>${
      esc(schemaName(p.schema, doc))
    }</code>${limits(resolve(p.schema, doc))}</td><td>${p.required ? "yes" : ""}</td><td>${
      markdown(p.description as string | undefined)
    }</td></tr>`
  ).join("");
  const body = (op.requestBody as Json | undefined)?.content as Json | undefined;
  const responses = Object.entries((op.responses ?? {}) as Json).map(([code, r]) => {
    const content = (r as Json).content as Json | undefined;
    const problem = Number(code) >= 400;
    const types = content && problem
      ? Object.entries(content).map(([t, c]) =>
        ` <code>${esc(t)}</code> <code>${esc(schemaName((c as Json).schema, doc))}</code>`
      ).join(",")
      : "";
    return `<li><b>${esc(code)}</b> ${inlineDescription((r as Json).description)}${types}${
      problem ? "" : contentHtml("", content, doc)
    }</li>`;
  }).join("");
  return `<section class="op" id="${esc(op.operationId ?? `${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${
    esc(path)
  }</code></h3>
<p>${esc(op.summary)}</p>${
    op.description ? `<div class="d">${markdown(op.description as string)}</div>` : ""
  }
<p>Permission: <b>${perm}</b></p>
${
    params
      ? `<p>Parameters</p><table class="f"><tr><th>name</th><th>in</th><th>type</th>` +
        `<th>required</th><th>description</th></tr>${params}</table>`
      : ""
  }${contentHtml("Request body", body, doc)}
<p>Responses</p><ul>${responses}</ul></section>`;
}

function inlineDescription(text: unknown): string {
  return markdown(String(text ?? "")).replace(/^<p>([\s\S]*)<\/p>$/, "$1");
}

/** Renders the docs page of `doc`. */
export function renderDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (!["get", "put", "post", "delete", "patch"].includes(method)) continue;
      const tag = ((op as Json).tags as string[] | undefined)?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(operationHtml(method, path, op as Json, doc as unknown as Json));
    }
  }
  const order = (doc.tags ?? []).map((t) => t.name);
  const tags = [...byTag.keys()].sort((a, b) =>
    (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)
  );
  const nav = tags.map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(" · ");
  const sections = tags.map((t) =>
    `<h2 id="tag-${esc(t)}">${esc(t)}</h2>\n${byTag.get(t)!.join("\n")}`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} API ${
    esc(doc.info.version)
  }</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
.op{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
.m{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:4px;padding:0 .4em}
.get{background:#2b7bb9}.post{background:#2c9a4b}.put{background:#b8860b}.delete{background:#c0392b}
.d{color:#555}
table.f{border-collapse:collapse;margin:.3em 0;font-size:.92em}
.f td,.f th{border:1px solid #e2e2e2;padding:.2em .5em;text-align:left;vertical-align:top}
.f td p{margin:0}
</style></head><body>
<h1>${esc(doc.info.title)} API <small>${esc(doc.info.version)}</small></h1>
${markdown(doc.info.description)}
<p>Authentication: <code>Authorization: Bearer &lt;token&gt;</code> (from
<code>osapi token generate</code>). The machine-readable
document is at <a href="openapi.json"><code>/openapi.json</code></a>.</p>
<nav>${nav}</nav>
${sections}
</body></html>
`;
}
