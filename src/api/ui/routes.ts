/**
 * The management dashboard at `/ui`: the files built by `deno task ui:build` into
 * `assets.gen.ts`, served from memory (nothing is read from disk, so a compiled binary carries
 * them). The pages are public (the dashboard signs in with a bearer token it keeps in the
 * browser session); a strict Content-Security-Policy allows only the dashboard's own files and
 * calls to this API.
 */
import type { Context } from "hono";
import type { ApiApp } from "../context.ts";
import { problemResponse } from "../problem.ts";
import { UI_ASSETS } from "./assets.gen.ts";

/** The path the dashboard is served under. */
export const UI_PATH = "/ui";

/** What the dashboard's pages may load and call: this origin only, no inline script. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface Served {
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

async function decode(): Promise<Map<string, Served>> {
  const out = new Map<string, Served>();
  for (const [path, a] of Object.entries(UI_ASSETS)) {
    const bytes = Uint8Array.fromBase64(a.body) as Uint8Array<ArrayBuffer>;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    out.set(path, { type: a.type, bytes, etag: `"${digest.slice(0, 12).toBase64()}"` });
  }
  return out;
}

/**
 * Registers `/ui` (the page), `/ui/` and `/ui/<file>`. Must be registered before the
 * authentication middleware: these answers need no token.
 */
export function registerUi(app: ApiApp): void {
  let assets: Promise<Map<string, Served>> | undefined;
  const serve = async (c: Context, path: string) => {
    const a = (await (assets ??= decode())).get(path);
    if (!a) return undefined;
    const headers = {
      "Content-Type": a.type,
      "Cache-Control": "no-cache",
      "ETag": a.etag,
      "Content-Security-Policy": UI_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    };
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304, headers);
    return c.body(a.bytes, 200, headers);
  };
  app.get(UI_PATH, async (c) => (await serve(c, "/index.html"))!);
  app.get(`${UI_PATH}/`, (c) => c.redirect(UI_PATH, 301));
  app.get(`${UI_PATH}/*`, async (c) => {
    const file = c.req.path.slice(UI_PATH.length);
    const res = file === "/index.html" ? undefined : await serve(c, file);
    return res ?? problemResponse(c, 404, `no dashboard file ${file}`);
  });
}
