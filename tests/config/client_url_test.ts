import assert from "node:assert/strict";
import { apiClientUrl, localApiUrl } from "../../src/config/client_url.ts";
import { loadConfig } from "../../src/config/load.ts";

Deno.test("api.client.url follows api.server.host/port unless set", async () => {
  const load = async (sets: string[]) =>
    (await loadConfig({ noEnv: true, searchPaths: [], sets })).config;
  assert.equal(apiClientUrl(await load([])), "http://127.0.0.1:8080");
  assert.equal(apiClientUrl(await load(["api.server.port=9191"])), "http://127.0.0.1:9191");
  assert.equal(
    apiClientUrl(await load(["api.server.port=9191", "api.server.host=0.0.0.0"])),
    "http://127.0.0.1:9191",
  );
  assert.equal(
    apiClientUrl(await load(["api.server.port=9191", "api.client.url=https://api.example.com"])),
    "https://api.example.com",
  );
  assert.equal(localApiUrl("::1", 80), "http://[::1]:80");
  assert.equal(localApiUrl("::", 80), "http://127.0.0.1:80");
});
