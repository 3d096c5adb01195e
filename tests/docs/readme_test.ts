import assert from "node:assert/strict";
import { render } from "../../scripts/readme.ts";

Deno.test("README's configuration and CLI references match the code", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.equal(render(readme), readme, "README.md is stale: run `deno run -A scripts/readme.ts`");
});

Deno.test("README names the two commands a newcomer runs", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.match(readme, /npx -y deno@2\.9\.6 task serve/);
  assert.match(readme, /npx -y deno@2\.9\.6 task test/);
});

Deno.test("docs/osapi.example.yaml is `osapi config init`'s output", async () => {
  const { initYaml } = await import("../../src/config/write.ts");
  const file = await Deno.readTextFile(new URL("../../docs/osapi.example.yaml", import.meta.url));
  assert.equal(
    file,
    initYaml(),
    "docs/osapi.example.yaml is stale: run `deno task osapi config init > docs/osapi.example.yaml`",
  );
});

Deno.test("a fresh clone has no ./osapi.yaml: serve uses the embedded default, config init works", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const tracked = new Deno.Command("git", { args: ["ls-files", "osapi.yaml"], cwd: root });
  const out = await tracked.output();
  if (!out.success) return; // not a git checkout (e.g. an unpacked release): nothing to check
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "", "osapi.yaml is tracked");
  const ignore = await Deno.readTextFile(`${root}.gitignore`);
  assert.match(ignore, /^\/osapi\.yaml$/m, "a local osapi.yaml is not committed by accident");
});
