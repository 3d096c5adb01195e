/**
 * `osapi client node network interface|route ...` as a real child process against a test API
 * (real nats-server and a worker on a temporary root; the shipped providers, so only the
 * root's Netplan files change and the host's interfaces are only read).
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { netplanFile, parseNetplan } from "../../src/worker/providers/netplan_config.ts";

Deno.test("osapi client node network: interface list as a table, routes given as JSON", async () => {
  await using api = await startTestApi({ workers: [{ hostname: "host-a" }] });
  const root = api.stack!.roots["host-a"];
  const token = await testToken();
  const client = (...args: string[]) =>
    runOsapi(["client", "--url", api.url, "--token", token, ...args, "-t", "host-a"]);

  const table = await client("node", "network", "interface", "list");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^HOSTNAME\s+NAME\s/m);
  assert.match(table.stdout, /^host-a\s+lo\s/m);

  const routes = [{ to: "198.51.100.0/24", via: "192.0.2.1", metric: 5 }];
  const created = await client(
    "--json",
    "node",
    "network",
    "route",
    "create",
    "eth9",
    "--routes",
    JSON.stringify(routes),
  );
  assert.equal(created.code, 0, created.stderr);
  assert.deepEqual(
    JSON.parse(created.stdout).results.map((
      r: Record<string, unknown>,
    ) => [r.interface, r.changed]),
    [["eth9", true]],
  );
  const text = await Deno.readTextFile(`${root}/${netplanFile("eth9")}`);
  assert.deepEqual(parseNetplan("eth9", text).routes, routes);

  const bad = await client("node", "network", "route", "create", "eth9", "--routes", "[{");
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--routes takes JSON/);
});
