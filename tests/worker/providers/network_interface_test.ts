/**
 * The network interface providers: the managed Netplan file on a temporary root, and the live
 * part inside a network namespace the test makes (veth pair osv0/osv1; documentation addresses
 * only). Skipped with a printed reason where namespaces cannot be made.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { netplanFile, parseNetplan } from "../../../src/worker/providers/netplan_config.ts";
import { createInterfaceCreate } from "../../../src/worker/providers/network_interface_create.ts";
import { createInterfaceDelete } from "../../../src/worker/providers/network_interface_delete.ts";
import { createInterfaceGet } from "../../../src/worker/providers/network_interface_get.ts";
import { createInterfaceList } from "../../../src/worker/providers/network_interface_list.ts";
import { createInterfaceUpdate } from "../../../src/worker/providers/network_interface_update.ts";
import { makeTestNetns, tempRoot } from "../../helpers/netns.ts";
import { testContext } from "./ctx.ts";

type Addr = { ifname: string; mtu: number; addr_info: { local: string; prefixlen: number }[] };

Deno.test("interface configuration in a network namespace: create, get, list, update, delete", async () => {
  await using ns = await makeTestNetns();
  if (!ns) return;
  await using tmp = await tempRoot();
  const root = tmp.path;
  const ctx = testContext(undefined, root);
  const opts = { netns: ns.name };
  const [create, update, get, list, del] = [
    createInterfaceCreate(opts),
    createInterfaceUpdate(opts),
    createInterfaceGet(opts),
    createInterfaceList(opts),
    createInterfaceDelete(opts),
  ];
  const file = `${root}/${netplanFile("osv0")}`;
  const liveAddrs = async () => {
    const [link] = await ns.ipJson<Addr>(["addr", "show", "dev", "osv0"]);
    return { mtu: link.mtu, addrs: link.addr_info.map((a) => `${a.local}/${a.prefixlen}`) };
  };
  const defaultRoute = async () =>
    (await ns.ipJson<{ dst: string; gateway?: string }>(["-4", "route", "show", "default"]))
      .map((r) => r.gateway);

  const config = {
    name: "osv0",
    // IPv6 not in iproute2's canonical form: compared canonically with the live address
    addresses: ["192.0.2.10/24", "2001:DB8:0::10/64"],
    gateway4: "192.0.2.1",
    mtu: 1400,
    dhcp4: false,
    wakeonlan: false,
  };
  assert.deepEqual(await create.run(create.validate(config), ctx), {
    name: "osv0",
    changed: true,
  });
  const text = await Deno.readTextFile(file);
  assert.match(text, /^# Managed by osapi/);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assert.deepEqual(parseNetplan("osv0", text), {
    settings: {
      dhcp4: false,
      addresses: ["192.0.2.10/24", "2001:DB8:0::10/64"],
      mtu: 1400,
      wakeonlan: false,
      gateway4: "192.0.2.1",
    },
    routes: [],
  });
  const live = await liveAddrs();
  assert.equal(live.mtu, 1400);
  assert.ok(live.addrs.includes("192.0.2.10/24") && live.addrs.includes("2001:db8::10/64"));
  assert.deepEqual(await defaultRoute(), ["192.0.2.1"]);

  assert.equal((await create.run(create.validate(config), ctx)).changed, false);
  await assert.rejects(
    create.run(create.validate({ ...config, mtu: 1500 }), ctx),
    (e: Error) => e instanceof OperationInputError && /already managed/.test(e.message),
  );

  const { interface: info } = await get.run(get.validate({ name: "osv0" }), ctx);
  assert.equal(info.name, "osv0");
  assert.equal(info.ipv4, "192.0.2.10");
  assert.equal(info.ipv6, "2001:db8::10");
  assert.equal(info.family, "dual");
  assert.equal(info.gateway4, "192.0.2.1");
  assert.equal(info.primary, true);
  assert.equal(info.managed, true);
  assert.equal(info.dhcp4, false);
  assert.equal(info.mtu, 1400);
  assert.match(info.mac ?? "", /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  assert.equal(info.state, "up");

  const all = (await list.run({}, ctx)).interfaces;
  assert.deepEqual(all.map((i) => i.name).sort(), ["lo", "osv0", "osv1"]);
  assert.equal(all.find((i) => i.name === "osv1")!.managed, false);

  // an update keeps the settings left out and removes the addresses no longer given
  const moved = await update.run(
    update.validate({ name: "osv0", addresses: ["192.0.2.20/24"] }),
    ctx,
  );
  assert.equal(moved.changed, true);
  const after = await liveAddrs();
  assert.ok(after.addrs.includes("192.0.2.20/24"), after.addrs.join(" "));
  assert.ok(!after.addrs.includes("192.0.2.10/24") && !after.addrs.includes("2001:db8::10/64"));
  assert.equal(after.mtu, 1400);
  assert.equal(parseNetplan("osv0", await Deno.readTextFile(file)).settings.mtu, 1400);
  assert.equal(
    (await update.run(update.validate({ name: "osv0", addresses: ["192.0.2.20/24"] }), ctx))
      .changed,
    false,
  );
  // an address removed behind osapi's back is put back, and that is a change
  await ns.ip(["addr", "del", "192.0.2.20/24", "dev", "osv0"]);
  assert.equal(
    (await create.run(
      create.validate({ ...config, addresses: ["192.0.2.20/24"] }),
      ctx,
    )).changed,
    true,
  );
  assert.ok((await liveAddrs()).addrs.includes("192.0.2.20/24"));

  await assert.rejects(
    update.run(update.validate({ name: "osv1", mtu: 1500 }), ctx),
    /osv1 is not managed/,
  );
  await assert.rejects(
    get.run(get.validate({ name: "nosuch0" }), ctx),
    /no network interface nosuch0/,
  );
  await assert.rejects(
    create.run(create.validate({ name: "nosuch0", mtu: 1500 }), ctx),
    /no network interface nosuch0/,
  );

  assert.equal((await del.run(del.validate({ name: "osv0" }), ctx)).changed, true);
  await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
  assert.ok(!(await liveAddrs()).addrs.includes("192.0.2.20/24"));
  assert.deepEqual(await defaultRoute(), []);
  assert.equal((await del.run(del.validate({ name: "osv0" }), ctx)).changed, false);
});

Deno.test("on a temporary root without a namespace only the Netplan file changes", async () => {
  await using tmp = await tempRoot();
  const root = tmp.path;
  const ctx = testContext(undefined, root);
  const create = createInterfaceCreate();
  const input = create.validate({ name: "eth9", dhcp4: true, dhcp6: true });
  assert.equal((await create.run(input, ctx)).changed, true);
  assert.equal((await create.run(input, ctx)).changed, false);
  assert.deepEqual(
    parseNetplan("eth9", await Deno.readTextFile(`${root}/${netplanFile("eth9")}`)).settings,
    { dhcp4: true, dhcp6: true },
  );
  const del = createInterfaceDelete();
  assert.equal((await del.run({ name: "eth9" }, ctx)).changed, true);
  assert.deepEqual([...Deno.readDirSync(`${root}/etc/netplan`)], []);
});

Deno.test("interface configuration input is checked field by field", () => {
  const create = createInterfaceCreate();
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ name: "-x", mtu: 1500 }, /name .*does not match/],
    [{ name: "eth0" }, /give at least one of/],
    [{ name: "eth0", addresses: ["192.0.2.10"] }, /addresses\[0\] .*prefix length/],
    [{ name: "eth0", addresses: ["-192.0.2.1/24"] }, /addresses\[0\]/],
    [{ name: "eth0", addresses: ["192.0.2.1/24", "192.0.2.1/24"] }, /given twice/],
    [{ name: "eth0", gateway4: "2001:db8::1" }, /gateway4 .*not an IPv4/],
    [{ name: "eth0", gateway6: "192.0.2.1" }, /gateway6 .*not an IPv6/],
    [{ name: "eth0", mtu: 67 }, /mtu must be between 68 and 9000/],
    [{ name: "eth0", mac_address: "01:00:5e:00:00:01" }, /mac_address/],
    [{ name: "eth0", dhcp4: "yes" }, /dhcp4 must be a boolean/],
    [{ name: "eth0", mtu: 1500, routes: [] }, /unknown field "routes"/],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => create.validate(input),
      (e: Error) => e instanceof OperationInputError && message.test(e.message),
      JSON.stringify(input),
    );
  }
});
