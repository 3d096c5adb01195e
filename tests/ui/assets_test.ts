/**
 * The dashboard's files: the committed `src/api/ui/assets.gen.ts` is what `deno task ui:build`
 * makes from ui/ (stale otherwise), and the API serves them at `/ui` without a token, from
 * memory, with a Content-Security-Policy that allows nothing but this origin.
 */
import assert from "node:assert/strict";
import { ASSETS_MODULE, buildAssets, renderModule } from "../../scripts/ui_build.ts";
import { UI_ASSETS } from "../../src/api/ui/assets.gen.ts";
import { startTestApi } from "../helpers/api.ts";

Deno.test("assets.gen.ts is up to date with ui/ (else: deno task ui:build)", async () => {
  const built = renderModule(await buildAssets());
  const committed = await Deno.readTextFile(ASSETS_MODULE);
  assert.ok(committed === built, "src/api/ui/assets.gen.ts is stale: run `deno task ui:build`");
});

Deno.test("the dashboard loads nothing from elsewhere: no external URL in its files", () => {
  for (const [path, a] of Object.entries(UI_ASSETS)) {
    const text = new TextDecoder().decode(Uint8Array.fromBase64(a.body));
    // Preact names the SVG/MathML namespaces; those are identifiers, not fetched.
    const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)]
      .map((m) => m[0])
      .filter((u) => !/^http:\/\/www\.w3\.org\//.test(u));
    assert.deepEqual(urls, [], `${path} refers to ${urls.join(", ")}`);
  }
});

Deno.test("GET /ui serves the page and its files without a token, with a strict CSP", async () => {
  await using api = await startTestApi({ workers: [], appWithoutNats: true });
  const page = await fetch(`${api.url}/ui`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/ui\/app\.js"><\/script>/);

  const js = await fetch(`${api.url}/ui/app.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
  const body = new Uint8Array(await js.arrayBuffer());
  assert.deepEqual(body, Uint8Array.fromBase64(UI_ASSETS["/app.js"].body));

  const etag = js.headers.get("etag")!;
  const again = await fetch(`${api.url}/ui/app.js`, { headers: { "if-none-match": etag } });
  await again.body?.cancel();
  assert.equal(again.status, 304);

  const css = await fetch(`${api.url}/ui/style.css`);
  await css.body?.cancel();
  assert.match(css.headers.get("content-type") ?? "", /^text\/css/);

  const slash = await fetch(`${api.url}/ui/`, { redirect: "manual" });
  await slash.body?.cancel();
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.get("location"), "/ui");

  const missing = await fetch(`${api.url}/ui/nope.js`);
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type") ?? "", /problem\+json/);
  assert.match((await missing.json()).detail, /no dashboard file \/nope\.js/);

  // The API around it still needs a token.
  const jobs = await fetch(`${api.url}/job`);
  await jobs.body?.cancel();
  assert.equal(jobs.status, 401);
});
