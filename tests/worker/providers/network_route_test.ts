/**
 * The network route providers: managed routes in the interface's Netplan file on a temporary
 * root, and live inside a network namespace the test makes (veth pair osv0/osv1;
 * documentation addresses only). Skipped with a printed reason where namespaces cannot be made.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { canonicalIp } from "../../../src/core/operations/network_interface.ts";
import { isNetwork } from "../../../src/core/operations/network_route.ts";
import { netplanFile, parseNetplan } from "../../../src/worker/providers/netplan_config.ts";
import { createInterfaceCreate } from "../../../src/worker/providers/network_interface_create.ts";
import { createRouteCreate } from "../../../src/worker/providers/network_route_create.ts";
import { createRouteDelete } from "../../../src/worker/providers/network_route_delete.ts";
import { createRouteGet } from "../../../src/worker/providers/network_route_get.ts";
import { createRouteList } from "../../../src/worker/providers/network_route_list.ts";
import { createRouteUpdate } from "../../../src/worker/providers/network_route_update.ts";
import { makeTestNetns, tempRoot } from "../../helpers/netns.ts";
import { testContext } from "./ctx.ts";

type Live = { dst: string; gateway?: string; metric?: number };

Deno.test("routes in a network namespace: create, get, list, update, delete", async () => {
  await using ns = await makeTestNetns();
  if (!ns) return;
  await using tmp = await tempRoot();
  const root = tmp.path;
  const ctx = testContext(undefined, root);
  const opts = { netns: ns.name };
  const [create, update, get, list, del] = [
    createRouteCreate(opts),
    createRouteUpdate(opts),
    createRouteGet(opts),
    createRouteList(opts),
    createRouteDelete(opts),
  ];
  // the interface's addresses (managed in the same file) make the gateways reachable
  const iface = createInterfaceCreate(opts);
  await iface.run(
    iface.validate({ name: "osv0", addresses: ["192.0.2.10/24", "2001:db8::10/64"] }),
    ctx,
  );
  await ns.ip(["-6", "addr", "change", "2001:db8::10/64", "dev", "osv0", "nodad"]);
  const file = `${root}/${netplanFile("osv0")}`;
  const live = async (family: "-4" | "-6") =>
    (await ns.ipJson<Live>([family, "route", "show", "dev", "osv0"]))
      .filter((r) => r.gateway !== undefined)
      .map((r) => [r.dst, r.gateway, r.metric ?? 0]);

  const routes = [
    { to: "198.51.100.0/24", via: "192.0.2.1", metric: 50 },
    { to: "2001:db8:1::/48", via: "2001:db8::1" },
  ];
  const input = { interface_name: "osv0", routes };
  assert.deepEqual(await create.run(create.validate(input), ctx), {
    interface: "osv0",
    changed: true,
  });
  assert.deepEqual(await live("-4"), [["198.51.100.0/24", "192.0.2.1", 50]]);
  assert.deepEqual(await live("-6"), [["2001:db8:1::/48", "2001:db8::1", 1024]]);
  const managed = parseNetplan("osv0", await Deno.readTextFile(file));
  assert.deepEqual(managed.routes, routes);
  assert.deepEqual(managed.settings.addresses, ["192.0.2.10/24", "2001:db8::10/64"]);

  assert.equal((await create.run(create.validate(input), ctx)).changed, false);
  await assert.rejects(
    create.run(create.validate({ ...input, routes: [routes[0]] }), ctx),
    (e: Error) =>
      e instanceof OperationInputError && /already manages other routes/.test(e.message),
  );

  const got = (await get.run(get.validate({ interface_name: "osv0" }), ctx)).routes;
  const mine = got.filter((r) => r.managed);
  assert.deepEqual(
    mine.map((r) => [r.destination, r.gateway, r.interface, r.metric, r.scope]).sort(),
    [
      ["198.51.100.0/24", "192.0.2.1", "osv0", 50, "global"],
      ["2001:db8:1::/48", "2001:db8::1", "osv0", 1024, "global"],
    ],
  );
  assert.ok(
    got.some((r) => r.destination === "192.0.2.0/24" && r.scope === "link" && !r.managed),
  );
  const all = (await list.run({}, ctx)).routes;
  assert.ok(all.length >= got.length && all.every((r) => typeof r.destination === "string"));

  // update replaces the list: the IPv6 route goes, a new one comes
  const next = [
    { to: "198.51.100.0/24", via: "192.0.2.1", metric: 50 },
    { to: "198.51.100.128/25", via: "192.0.2.2" },
  ];
  assert.equal(
    (await update.run(update.validate({ interface_name: "osv0", routes: next }), ctx)).changed,
    true,
  );
  assert.deepEqual((await live("-4")).sort(), [
    ["198.51.100.0/24", "192.0.2.1", 50],
    ["198.51.100.128/25", "192.0.2.2", 0],
  ]);
  assert.deepEqual(await live("-6"), []);
  assert.equal(
    (await update.run(update.validate({ interface_name: "osv0", routes: next }), ctx)).changed,
    false,
  );
  // a managed route removed behind osapi's back is put back, and that is a change
  await ns.ip(["route", "del", "198.51.100.128/25", "via", "192.0.2.2", "dev", "osv0"]);
  assert.equal(
    (await update.run(update.validate({ interface_name: "osv0", routes: next }), ctx)).changed,
    true,
  );
  assert.equal((await live("-4")).length, 2);

  await assert.rejects(
    update.run(update.validate({ interface_name: "osv1", routes: next }), ctx),
    /manages no routes of network interface osv1/,
  );
  await assert.rejects(
    get.run(get.validate({ interface_name: "nosuch0" }), ctx),
    /no network interface nosuch0/,
  );
  await assert.rejects(
    create.run(create.validate({ interface_name: "nosuch0", routes: next }), ctx),
    /no network interface nosuch0/,
  );

  assert.equal((await del.run(del.validate({ interface_name: "osv0" }), ctx)).changed, true);
  assert.deepEqual(await live("-4"), []);
  assert.deepEqual(parseNetplan("osv0", await Deno.readTextFile(file)).routes, []);
  assert.equal((await del.run(del.validate({ interface_name: "osv0" }), ctx)).changed, false);
});

Deno.test("routes on a temporary root without a namespace change only the Netplan file", async () => {
  await using tmp = await tempRoot();
  const root = tmp.path;
  const ctx = testContext(undefined, root);
  const create = createRouteCreate();
  const input = create.validate({
    interface_name: "eth9",
    routes: [{ to: "198.51.100.0/24", via: "192.0.2.1" }],
  });
  assert.equal((await create.run(input, ctx)).changed, true);
  assert.equal((await create.run(input, ctx)).changed, false);
  const file = `${root}/${netplanFile("eth9")}`;
  assert.match(await Deno.readTextFile(file), /to: 198\.51\.100\.0\/24/);
  assert.equal((await createRouteDelete().run({ interface_name: "eth9" }, ctx)).changed, true);
  await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
});

Deno.test("route input is checked field by field", () => {
  const create = createRouteCreate();
  const r = (route: Record<string, unknown>) => ({ interface_name: "eth0", routes: [route] });
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { interface_name: "-eth0", routes: [{ to: "198.51.100.0/24", via: "192.0.2.1" }] },
      /interface_name/,
    ],
    [{ interface_name: "eth0", routes: [] }, /at least 1 route/],
    [{ interface_name: "eth0" }, /missing required field "routes"/],
    [r({ to: "198.51.100.1/24", via: "192.0.2.1" }), /routes\[0\]\.to .*host bits zero/],
    [r({ to: "198.51.100.0", via: "192.0.2.1" }), /routes\[0\]\.to/],
    [r({ to: "-198.51.100.0/24", via: "192.0.2.1" }), /routes\[0\]\.to/],
    [r({ to: "198.51.100.0/24", via: "gw" }), /routes\[0\]\.via .*not an IP address/],
    [r({ to: "198.51.100.0/24", via: "2001:db8::1" }), /not one family/],
    [r({ to: "198.51.100.0/24", via: "192.0.2.1", metric: -1 }), /metric must be between/],
    [r({ to: "198.51.100.0/24", via: "192.0.2.1", dev: "x" }), /dev/],
    [
      {
        interface_name: "eth0",
        routes: [{ to: "198.51.100.0/24", via: "192.0.2.1" }, {
          to: "198.51.100.0/24",
          via: "192.0.2.2",
        }],
      },
      /given twice/,
    ],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => create.validate(input),
      (e: Error) => e instanceof OperationInputError && message.test(e.message),
      JSON.stringify(input),
    );
  }
  for (const ok of ["0.0.0.0/0", "198.51.100.0/24", "192.0.2.7/32", "2001:db8::/32", "::/0"]) {
    assert.ok(isNetwork(ok), ok);
  }
  assert.equal(canonicalIp("2001:DB8:0:0:1:0:0:0/64"), "2001:db8:0:0:1::/64");
  assert.equal(canonicalIp("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
  assert.equal(canonicalIp("192.0.2.1/24"), "192.0.2.1/24");
  for (const no of ["198.51.100.1/24", "2001:db8::1/64", "2001:db8:0:0:0:0:0:1/127", "x/8"]) {
    assert.ok(!isNetwork(no), no);
  }
});
