/**
 * The file providers on a temporary root: deploy writes the object at the path (atomically,
 * mode and owner from the root's passwd/group), idempotent by SHA-256/mode/owner; status
 * compares with the manifest; undeploy removes only what osapi deployed. The object store is a
 * map here (tests/files/ and tests/api/node/file_test.ts use the real one).
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import fileDeploy from "../../../src/worker/providers/file_deploy.ts";
import fileStatus from "../../../src/worker/providers/file_status.ts";
import fileUndeploy from "../../../src/worker/providers/file_undeploy.ts";
import { DEPLOY_MANIFEST } from "../../../src/worker/providers/file_config.ts";
import { stored, testContext } from "./ctx.ts";

Deno.test("file deploy/status/undeploy on a temporary root", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    await Deno.mkdir(`${root}/etc`);
    await Deno.writeTextFile(
      `${root}/etc/passwd`,
      "root:x:0:0::/root:/bin/sh\nweb:x:1234:1234::/:/bin/false\n",
    );
    await Deno.writeTextFile(`${root}/etc/group`, "root:x:0:\nweb:x:1234:\n");
    const objects = new Map([
      ["app.conf", await stored("app.conf", "listen 80\n")],
      ["v2.conf", await stored("v2.conf", "listen 8080\n")],
    ]);
    const ctx = {
      ...testContext(undefined, root),
      files: (n: string) => Promise.resolve(objects.get(n)),
    };
    const deploy = (input: Record<string, unknown>) =>
      fileDeploy.run(fileDeploy.validate({ content_type: "raw", ...input }), ctx);
    const status = (path: string) => fileStatus.run(fileStatus.validate({ path }), ctx);

    assert.deepEqual(await status("/etc/app/app.conf"), {
      path: "/etc/app/app.conf",
      state: "missing",
      managed: false,
    });
    const first = await deploy({
      object_name: "app.conf",
      path: "/etc/app/app.conf",
      mode: "0640",
      owner: "web",
      group: "web",
    });
    assert.equal(first.changed, true);
    assert.equal(first.sha256, objects.get("app.conf")!.info.sha256);
    const file = `${root}/etc/app/app.conf`;
    assert.equal(await Deno.readTextFile(file), "listen 80\n");
    const st = await Deno.stat(file);
    assert.deepEqual([st.mode! & 0o7777, st.uid, st.gid], [0o640, 1234, 1234]);
    // no temporary file left beside it
    assert.deepEqual([...Deno.readDirSync(`${root}/etc/app`)].map((e) => e.name), ["app.conf"]);

    const again = await deploy({
      object_name: "app.conf",
      path: "/etc/app/app.conf",
      mode: "0640",
      owner: "web",
      group: "web",
    });
    assert.equal(again.changed, false);
    const s = await status("/etc/app/app.conf");
    assert.deepEqual(
      [s.state, s.managed, s.object_name, s.mode, s.owner, s.group, s.sha256],
      ["in-sync", true, "app.conf", "0640", "web", "web", first.sha256],
    );
    // another mode is a change; so is other content
    assert.equal(
      (await deploy({
        object_name: "app.conf",
        path: "/etc/app/app.conf",
        mode: "0644",
        owner: "web",
        group: "web",
      })).changed,
      true,
    );
    assert.equal((await Deno.stat(file)).mode! & 0o7777, 0o644);
    // drift: someone edits the file
    await Deno.writeTextFile(file, "listen 81\n");
    assert.equal((await status("/etc/app/app.conf")).state, "drifted");
    assert.equal(
      (await deploy({
        object_name: "v2.conf",
        path: "/etc/app/app.conf",
        owner: "web",
        group: "web",
      })).changed,
      true,
    );
    assert.equal(await Deno.readTextFile(file), "listen 8080\n");
    const manifest = JSON.parse(await Deno.readTextFile(`${root}/${DEPLOY_MANIFEST}`));
    assert.equal(manifest["/etc/app/app.conf"].object_name, "v2.conf");

    // without owner/group a new file is the worker's own (no chown to root)
    await deploy({ object_name: "app.conf", path: "/srv/own.conf" });
    const own = await Deno.stat(`${root}/srv/own.conf`);
    assert.deepEqual([own.uid, own.gid, own.mode! & 0o7777], [Deno.uid(), Deno.gid(), 0o644]);

    // refusals: unknown object, unknown owner, a directory in the way, a file osapi did not deploy
    await assert.rejects(
      deploy({ object_name: "nope", path: "/etc/x" }),
      (e: Error) => e instanceof OperationInputError && /no file named nope/.test(e.message),
    );
    await assert.rejects(
      deploy({ object_name: "app.conf", path: "/etc/y", owner: "nobody" }),
      /owner nobody does not exist/,
    );
    await Deno.mkdir(`${root}/etc/dir`);
    await assert.rejects(
      deploy({ object_name: "app.conf", path: "/etc/dir" }),
      /not a regular file/,
    );
    await Deno.writeTextFile(`${root}/etc/other`, "mine\n");
    await assert.rejects(
      fileUndeploy.run(fileUndeploy.validate({ path: "/etc/other" }), ctx),
      /not deployed by osapi/,
    );
    assert.equal(await Deno.readTextFile(`${root}/etc/other`), "mine\n");

    const undeploy = (path: string) => fileUndeploy.run(fileUndeploy.validate({ path }), ctx);
    assert.deepEqual(await undeploy("/etc/app/app.conf"), {
      path: "/etc/app/app.conf",
      changed: true,
    });
    await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
    assert.deepEqual(await undeploy("/etc/app/app.conf"), {
      path: "/etc/app/app.conf",
      changed: false,
    });
    assert.deepEqual(await status("/etc/app/app.conf"), {
      path: "/etc/app/app.conf",
      state: "missing",
      managed: false,
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("file paths and fields are checked strictly", () => {
  const bad = (input: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => fileDeploy.validate({ object_name: "a", content_type: "raw", ...input }),
      pattern,
    );
  bad({ path: "etc/x" }, /path .*absolute/);
  bad({ path: "/etc/../x" }, /path .*normalized/);
  bad({ path: "/etc//x" }, /path .*normalized/);
  bad({ path: "/etc/x/" }, /path .*normalized/);
  bad({ path: "/proc/sys/x" }, /path .*under \/proc/);
  bad({ path: "/sys" }, /under \/sys/);
  bad({ path: "/dev/sda" }, /under \/dev/);
  bad({ path: "/etc/x", mode: "999" }, /mode/);
  bad({ path: "/etc/x", owner: "-r" }, /owner/);
  bad({ path: "/etc/x", object_name: "../x" }, /object_name/);
  bad({ path: "/etc/x", content_type: "template" }, /content_type templates are not rendered/);
  bad({ path: "/etc/x", vars: {} }, /unknown field "vars"/);
  assert.throws(() => fileStatus.validate({ path: "/dev/null" }), /under \/dev/);
  assert.throws(() => fileUndeploy.validate({}), /missing required field "path"/);
});

Deno.test("deploy without an object store says so", async () => {
  const ctx = testContext();
  await assert.rejects(
    fileDeploy.run(
      fileDeploy.validate({ object_name: "a", path: "/etc/a", content_type: "raw" }),
      ctx,
    ),
    /no file object store on this worker/,
  );
});
