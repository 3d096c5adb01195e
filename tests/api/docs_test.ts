/**
 * /docs and /openapi.json: public by default, a token required with
 * api.server.docs.require_token; the docs page shows request and response fields with their
 * Markdown descriptions rendered, and loads nothing from elsewhere.
 */
import assert from "node:assert/strict";
import { markdown } from "../../src/api/markdown.ts";
import { startTestApi } from "../helpers/api.ts";

Deno.test("docs and document are public by default; require_token asks a token", async () => {
  {
    await using api = await startTestApi({ workers: [] });
    for (const path of ["/openapi.json", "/docs"]) {
      const r = await fetch(`${api.url}${path}`);
      await r.body?.cancel();
      assert.equal(r.status, 200, path);
    }
    const doc = await (await fetch(`${api.url}/openapi.json`)).json();
    assert.equal(doc.paths["/docs"].get.security, undefined, "documented as public");
  }
  {
    await using api = await startTestApi({
      workers: [],
      raw: { api: { server: { docs: { require_token: true } } } },
    });
    for (const path of ["/openapi.json", "/docs"]) {
      const r = await fetch(`${api.url}${path}`);
      await r.body?.cancel();
      assert.equal(r.status, 401, path);
      assert.equal((await api.admin.call("GET", path)).status, 200, path);
    }
    const doc = (await api.admin.call("GET", "/openapi.json")).body as {
      paths: Record<string, { get: { security?: unknown } }>;
    };
    assert.deepEqual(doc.paths["/docs"].get.security, [{ BearerAuth: [] }]);
  }
});

Deno.test("the docs page shows request and response fields with rendered Markdown", async () => {
  await using api = await startTestApi({ workers: [] });
  const r = await fetch(`${api.url}/docs`);
  const html = await r.text();
  const ping = html.slice(html.indexOf('id="PostNetworkPing"'));
  const section = ping.slice(0, ping.indexOf("</section>"));
  // request fields of PingRequest, with type and required
  assert.match(section, /Request body <code>application\/json<\/code>: <code>PingRequest<\/code>/);
  assert.match(
    section,
    /<tr><td><code>address<\/code><\/td><td><code>string<\/code>.*?<\/td><td>yes<\/td>/,
  );
  // response fields (PingCollection -> results[] -> NetworkPingDoResult fields, nested)
  assert.match(section, /<code>job_id<\/code>/);
  assert.match(section, /<code>results<\/code><\/td><td><code>NetworkPingDoResult\[\]<\/code>/);
  assert.match(section, /<code>packet_loss<\/code>/);
  // Markdown in descriptions is rendered (code spans), not shown as backticks
  const job = html.slice(html.indexOf('id="PostJobLegacy"'));
  assert.match(job.slice(0, job.indexOf("</section>")), /<code>job:write<\/code>/);
  assert.ok(!/`job:write`/.test(html), "no raw Markdown backticks");
  assert.ok(!/<script/i.test(html), "no scripts");
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), "no external resources");
});

Deno.test("markdown: safe subset", () => {
  assert.equal(
    markdown("Needs `job:write` and **care**; see [docs](/docs).\n\n- one\n- *two*"),
    '<p>Needs <code>job:write</code> and <strong>care</strong>; see <a href="/docs">docs</a>.</p>' +
      "<ul><li>one</li><li><em>two</em></li></ul>",
  );
  assert.equal(
    markdown("<script>x</script> `<b>`"),
    "<p>&lt;script&gt;x&lt;/script&gt; <code>&lt;b&gt;</code></p>",
  );
  assert.equal(markdown("[x](javascript:alert(1))"), "<p>[x](javascript:alert(1))</p>");
  assert.equal(markdown("snake_case and a*b*c stay"), "<p>snake_case and a*b*c stay</p>");
});
