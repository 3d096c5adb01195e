/** `node.hostname.update` on a temporary root: the file is written once, then left alone. */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { hostnameUpdate } from "../../../src/worker/providers/hostname_update.ts";
import { testContext } from "./ctx.ts";

Deno.test("hostname update writes <root>/etc/hostname and is idempotent", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    const input = hostnameUpdate.validate({ hostname: "web-01.example.test" });
    assert.deepEqual(await hostnameUpdate.run(input, ctx), { changed: true });
    assert.equal(await Deno.readTextFile(`${root}/etc/hostname`), "web-01.example.test\n");
    assert.deepEqual(await hostnameUpdate.run(input, ctx), { changed: false });
    await Deno.writeTextFile(`${root}/etc/hostname`, "old\n");
    assert.deepEqual(await hostnameUpdate.run(input, ctx), { changed: true });
    assert.equal(await Deno.readTextFile(`${root}/etc/hostname`), "web-01.example.test\n");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("hostname update refuses names that are not RFC 1123 host names", () => {
  for (
    const bad of ["", "-web", "web-", "a..b", "web_01", "x".repeat(64), "a b", "1.2.3.4", "web."]
  ) {
    assert.throws(
      () => hostnameUpdate.validate({ hostname: bad }),
      (e: Error) => e instanceof OperationInputError && /hostname/.test(e.message),
      bad,
    );
  }
  assert.throws(() => hostnameUpdate.validate({}), /missing required field "hostname"/);
  assert.throws(() => hostnameUpdate.validate({ hostname: "a", x: 1 }), /unknown field "x"/);
});
