/**
 * The package providers on a temporary root: dpkg with `--root` installs and removes tiny
 * packages the test builds; apt with `-o Dir=<root>` reads a local `file:` repository. Nothing
 * is installed on the machine.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import packageDelete from "../../../src/worker/providers/package_delete.ts";
import packageGet from "../../../src/worker/providers/package_get.ts";
import packageInstall from "../../../src/worker/providers/package_install.ts";
import packageList from "../../../src/worker/providers/package_list.ts";
import packageUpdate from "../../../src/worker/providers/package_update.ts";
import packageUpdates from "../../../src/worker/providers/package_updates.ts";
import { parsePackages, parseUpgradable } from "../../../src/worker/providers/package_dpkg.ts";
import { buildDeb, dpkgRoot, fileRepo, haveDpkg } from "../../helpers/deb.ts";
import type { ProviderContext } from "../../../src/worker/providers/types.ts";
import { testContext } from "./ctx.ts";

const dpkg = await haveDpkg();
if (!dpkg) console.log("skipping dpkg provider tests: dpkg, dpkg-deb or dpkg-query not on PATH");

/** Test `name` on a temporary dpkg root (under a temporary `dir`, removed afterwards). */
function dpkgTest(
  name: string,
  fn: (dir: string, root: string, ctx: ProviderContext) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !dpkg,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "osapi-pkg-" });
      try {
        const root = `${dir}/root`;
        await dpkgRoot(root);
        await fn(dir, root, testContext(undefined, root));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

dpkgTest(
  "packages on a temporary root: install a .deb, list, get, reinstall, remove",
  async (dir, root, ctx) => {
    const deb = await buildDeb(dir, "osapi-hello", "1.0-1");
    const install = (input: unknown) => packageInstall.run(packageInstall.validate(input), ctx);

    assert.deepEqual(await packageList.run({}, ctx), { packages: [] });
    assert.deepEqual(await install({ name: "osapi-hello", file: deb }), {
      name: "osapi-hello",
      changed: true,
    });
    assert.equal(
      await Deno.readTextFile(`${root}/usr/share/doc/osapi-hello/README`),
      "osapi-hello 1.0-1\n",
    );
    assert.equal((await install({ name: "osapi-hello", file: deb })).changed, false);
    // installed already: a repository install has nothing to do either
    assert.equal((await install({ name: "osapi-hello" })).changed, false);
    const info = {
      name: "osapi-hello",
      version: "1.0-1",
      description: "osapi test package osapi-hello",
      status: "installed",
      size: 8192,
    };
    assert.deepEqual(await packageList.run({}, ctx), { packages: [info] });
    assert.deepEqual(
      await packageGet.run(packageGet.validate({ name: "osapi-hello" }), ctx),
      { packages: [info] },
    );

    const newer = await buildDeb(dir, "osapi-hello", "2.0-1");
    assert.equal((await install({ name: "osapi-hello", file: newer })).changed, true);
    assert.equal((await packageList.run({}, ctx)).packages[0].version, "2.0-1");

    await assert.rejects(
      install({ name: "other-name", file: deb }),
      (e: Error) => e instanceof OperationInputError && /holds package osapi-hello/.test(e.message),
    );
    await assert.rejects(
      install({ name: "osapi-hello", file: `${dir}/missing.deb` }),
      /no file .*missing\.deb on this host/,
    );
    await assert.rejects(
      install({ name: "curl" }),
      (e: Error) =>
        e instanceof OperationInputError &&
        /installing curl from the repositories needs the live system/.test(e.message),
    );

    const remove = (name: string) => packageDelete.run(packageDelete.validate({ name }), ctx);
    assert.deepEqual(await remove("osapi-hello"), { name: "osapi-hello", changed: true });
    assert.equal((await remove("osapi-hello")).changed, false);
    assert.equal((await remove("never-installed")).changed, false);
    await assert.rejects(Deno.stat(`${root}/usr/share/doc/osapi-hello/README`));
    await assert.rejects(
      packageGet.run(packageGet.validate({ name: "osapi-hello" }), ctx),
      /package osapi-hello is not installed on this host/,
    );
    // dpkg logged into the root, not the machine's /var/log/dpkg.log
    assert.match(await Deno.readTextFile(`${root}/var/log/dpkg.log`), /osapi-hello/);
  },
);

dpkgTest(
  "package sources: apt-get update and available updates from a local file: repository",
  async (dir, root, ctx) => {
    // no sources: nothing to fetch, nothing changes
    assert.deepEqual(await packageUpdate.run({}, ctx), { changed: false });
    assert.deepEqual(await packageUpdates.run({}, ctx), { updates: [] });

    const v1 = await buildDeb(dir, "osapi-hello", "1.0-1");
    await packageInstall.run({ name: "osapi-hello", file: v1 }, ctx);
    await fileRepo(dir, root, [await buildDeb(dir, "osapi-hello", "1.1-1")]);
    assert.deepEqual(await packageUpdate.run({}, ctx), { changed: true });
    assert.deepEqual(await packageUpdates.run({}, ctx), {
      updates: [{ name: "osapi-hello", current_version: "1.0-1", new_version: "1.1-1" }],
    });

    // a source that cannot be fetched (a closed local port) is an error naming it
    await Deno.writeTextFile(
      `${root}/etc/apt/sources.list.d/broken.list`,
      "deb [trusted=yes] http://127.0.0.1:9/debian stable main\n",
    );
    await assert.rejects(
      packageUpdate.run({}, ctx),
      /apt-get update failed .*127\.0\.0\.1:9/,
    );
  },
);

Deno.test("a root without a dpkg database is told so", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    await assert.rejects(packageList.run({}, ctx), /no dpkg package database on this host|rpm/);
    await assert.rejects(packageUpdates.run({}, ctx), /no dpkg package database|rpm/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("package names and files are checked strictly", () => {
  const bad = (input: unknown, field: RegExp) =>
    assert.throws(() => packageInstall.validate(input), field);
  bad({ name: "-oDir=/tmp" }, /name .*does not match/);
  bad({ name: "Upper" }, /name/);
  bad({ name: "a" }, /name/);
  bad({ name: "x;rm" }, /name/);
  bad({ name: "ok-name", file: "relative.deb" }, /file/);
  bad({ name: "ok-name", file: "/tmp/../etc/x.deb" }, /file/);
  bad({ name: "ok-name", file: "/tmp/x.tar" }, /file/);
  bad({ name: "ok-name", extra: 1 }, /unknown field "extra"/);
  assert.deepEqual(packageInstall.validate({ name: "libstdc++6" }), { name: "libstdc++6" });
  assert.throws(() => packageDelete.validate({ name: "../x" }), /name/);
});

Deno.test("dpkg-query and apt list output parse into OSAPI's fields", () => {
  assert.deepEqual(
    parsePackages(
      "bash\t5.2.15-2\tinstalled\t7164\tGNU Bourne Again SHell\n" +
        "gone\t1.0\tnot-installed\t\t\n" +
        "oldconf\t0.9\tconfig-files\t12\told package\n",
    ),
    [
      {
        name: "bash",
        version: "5.2.15-2",
        description: "GNU Bourne Again SHell",
        status: "installed",
        size: 7164 * 1024,
      },
      {
        name: "oldconf",
        version: "0.9",
        description: "old package",
        status: "config-files",
        size: 12288,
      },
    ],
  );
  // canned output of `apt list --upgradable` on a Debian host
  assert.deepEqual(
    parseUpgradable(
      "Listing...\n" +
        "libc6/stable-security 2.36-9+deb12u9 amd64 [upgradable from: 2.36-9+deb12u8]\n" +
        "openssl/stable-security,stable-security 3.0.15-1~deb12u1 amd64 [upgradable from: 3.0.14-1~deb12u2]\n" +
        "WARNING: ignored\n",
    ),
    [
      { name: "libc6", current_version: "2.36-9+deb12u8", new_version: "2.36-9+deb12u9" },
      { name: "openssl", current_version: "3.0.14-1~deb12u2", new_version: "3.0.15-1~deb12u1" },
    ],
  );
});
