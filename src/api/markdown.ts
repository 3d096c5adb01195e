/**
 * A small, safe Markdown renderer for the descriptions of the OpenAPI document on `/docs`:
 * paragraphs, `-`/`*` lists, `code`, **bold**, *emphasis* and [links](https://...). The text is
 * HTML-escaped first, so nothing in a description can inject markup; links are limited to
 * http(s), relative and fragment URLs.
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
}

/** Renders inline Markdown of one line or paragraph (already split into blocks). */
export function inlineMarkdown(text: string): string {
  const codes: string[] = [];
  // code spans first: their content is not interpreted further
  let s = escapeHtml(text).replace(/`([^`]+)`/g, (_m, c: string) => {
    codes.push(`<code>${c}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = s.replace(
    /\[([^\]]+)\]\(((?:https?:\/\/|\/|#)[^\s)]*)\)/g,
    (_m, label: string, url: string) => `<a href="${url}">${label}</a>`,
  );
  s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/(^|[\s(])\*([^*\s][^*]*)\*(?=$|[\s).,;:!?])/g, "$1<em>$2</em>");
  // deno-lint-ignore no-control-regex
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)]);
}

/** Renders block Markdown: paragraphs separated by blank lines, and `-`/`*` bullet lists. */
export function markdown(text: string | undefined): string {
  if (!text) return "";
  const blocks = text.replace(/\r\n/g, "\n").split(/\n\s*\n/);
  return blocks.map((block) => {
    const lines = block.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    if (lines.length > 0 && lines.every((l) => /^[-*] /.test(l))) {
      return `<ul>${lines.map((l) => `<li>${inlineMarkdown(l.slice(2))}</li>`).join("")}</ul>`;
    }
    return lines.length > 0 ? `<p>${inlineMarkdown(lines.join(" "))}</p>` : "";
  }).join("");
}
