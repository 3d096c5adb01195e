/** Paths inside a provider root: plain components only. */
import assert from "node:assert/strict";
import { isLiveRoot, rootPath } from "../../../src/worker/providers/root.ts";

Deno.test("rootPath joins plain components and refuses traversal", () => {
  assert.equal(
    rootPath("/tmp/r", "etc/sysctl.d", "99-osapi.conf"),
    "/tmp/r/etc/sysctl.d/99-osapi.conf",
  );
  assert.equal(rootPath("/", "etc/hostname"), "/etc/hostname");
  assert.equal(rootPath("/tmp/r/", "etc"), "/tmp/r/etc");
  for (const bad of ["../etc", "etc/../x", "/etc", "etc//x", ".", "a\0b", ""]) {
    assert.throws(() => rootPath("/tmp/r", bad), /unsafe path component/, bad);
  }
  assert.throws(() => rootPath("relative", "etc"), /absolute/);
  assert.equal(isLiveRoot("/"), true);
  assert.equal(isLiveRoot("/tmp/r"), false);
});
