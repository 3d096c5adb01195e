/**
 * The `/docs` page: a self-contained HTML rendering of the OpenAPI document (no scripts, no
 * CDN), one section per tag listing each operation's method, path, permission, parameters,
 * request body and responses.
 */
import type { OpenApiDocument } from "./openapi.ts";

const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

type Json = Record<string, unknown>;

function schemaName(schema: unknown): string {
  const s = (schema ?? {}) as Json;
  if (typeof s.$ref === "string") return s.$ref.split("/").pop()!;
  if (s.type === "array") return `${schemaName(s.items)}[]`;
  return typeof s.type === "string" ? s.type : "object";
}

function operationHtml(method: string, path: string, op: Json): string {
  const security = (op.security as Json[] | undefined)?.flatMap((s) => Object.values(s).flat());
  const perm = security === undefined
    ? "public"
    : security.length > 0
    ? security.map(esc).join(", ")
    : "any valid token";
  const params = ((op.parameters ?? []) as Json[]).map((p) =>
    `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""}): ${
      esc(schemaName(p.schema))
    }${p.description ? ` — ${esc(p.description)}` : ""}</li>`
  ).join("");
  const body = (op.requestBody as Json | undefined)?.content as Json | undefined;
  const bodyHtml = body
    ? Object.entries(body).map(([type, c]) =>
      `<p>Body <code>${esc(type)}</code>: ${esc(schemaName((c as Json).schema))}</p>`
    ).join("")
    : "";
  const responses = Object.entries((op.responses ?? {}) as Json).map(([code, r]) => {
    const content = (r as Json).content as Json | undefined;
    const types = content
      ? Object.entries(content).map(([t, c]) =>
        ` <code>${esc(t)}</code> ${esc(schemaName((c as Json).schema))}`
      ).join(",")
      : "";
    return `<li><b>${esc(code)}</b> ${esc((r as Json).description)}${types}</li>`;
  }).join("");
  return `<section class="op" id="${esc(op.operationId ?? `${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${
    esc(path)
  }</code></h3>
<p>${esc(op.summary)}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ""}
<p>Permission: <b>${perm}</b></p>
${params ? `<p>Parameters</p><ul>${params}</ul>` : ""}${bodyHtml}
<p>Responses</p><ul>${responses}</ul></section>`;
}

/** Renders the docs page of `doc`. */
export function renderDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (!["get", "put", "post", "delete", "patch"].includes(method)) continue;
      const tag = ((op as Json).tags as string[] | undefined)?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(operationHtml(method, path, op as Json));
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
</style></head><body>
<h1>${esc(doc.info.title)} API <small>${esc(doc.info.version)}</small></h1>
<p>${esc(doc.info.description)}</p>
<p>Authentication: <code>Authorization: Bearer &lt;token&gt;</code>. The machine-readable
document is at <a href="openapi.json"><code>/openapi.json</code></a>.</p>
<nav>${nav}</nav>
${sections}
</body></html>
`;
}
