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

Deno.test("osapi.yaml in the repository is `osapi config init`'s output", async () => {
  const { initYaml } = await import("../../src/config/write.ts");
  const file = await Deno.readTextFile(new URL("../../osapi.yaml", import.meta.url));
  assert.equal(
    file,
    initYaml(),
    "osapi.yaml is stale: run `deno task osapi config init > osapi.yaml`",
  );
});
