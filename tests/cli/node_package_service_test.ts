/**
 * `osapi client node package|service ...` as a real child process against a test API (real
 * nats-server and workers on temporary roots): list results laid out as rows, not JSON.
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { buildDeb, dpkgRoot, haveDpkg } from "../helpers/deb.ts";
import { clientRunner } from "../helpers/osapi.ts";

const dpkg = await haveDpkg();
if (!dpkg) console.log("skipping the package/service CLI test: dpkg tools not on PATH");

Deno.test({
  name: "osapi client node package and service run the operations and print rows",
  ignore: !dpkg,
  fn: async () => {
    await using api = await startTestApi();
    const roots = api.stack!.roots;
    await dpkgRoot(roots["host-a"]);
    const cwd = await Deno.makeTempDir({ prefix: "osapi-pkg-cli-" });
    try {
      const client = clientRunner(api.url, await testToken(), cwd);
      const deb = await buildDeb(cwd, "osapi-hello", "1.0-1");
      const installed = JSON.parse(
        await client(
          "--json",
          "node",
          "package",
          "install",
          "osapi-hello",
          "--file",
          deb,
          "-t",
          "host-a",
        ),
      );
      assert.equal(installed.results[0].changed, true);
      const packages = await client("node", "package", "list", "-t", "host-a");
      assert.match(packages, /^HOSTNAME\s+NAME\s+VERSION/m);
      assert.match(packages, /^host-a\s+osapi-hello\s+1\.0-1/m);

      const unit = "[Unit]\nDescription=My app\n[Service]\nExecStart=/bin/sleep 1000\n";
      await client("node", "service", "create", "my-app", "--content", unit, "-t", "host-a");
      const service = await client("node", "service", "get", "my-app", "-t", "host-a");
      assert.match(service, /^host-a\s+my-app\.service\s+/m);
      assert.match(service, /My app/);
      assert.doesNotMatch(service, /\{"name"/);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});
