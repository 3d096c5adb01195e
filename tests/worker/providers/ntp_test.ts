/**
 * The NTP providers on temporary roots seeded with chrony's and systemd-timesyncd's layouts:
 * the drop-in osapi manages, the servers in effect, `changed`; the status parsers on canned
 * `chronyc -c tracking` and `timedatectl` output (the status itself is live-only).
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import ntpCreate from "../../../src/worker/providers/ntp_create.ts";
import ntpDelete from "../../../src/worker/providers/ntp_delete.ts";
import ntpGet from "../../../src/worker/providers/ntp_get.ts";
import ntpUpdate from "../../../src/worker/providers/ntp_update.ts";
import {
  NTP_FILES,
  parseChronyTracking,
  parseTimedatectl,
} from "../../../src/worker/providers/ntp_config.ts";
import { testContext } from "./ctx.ts";

const CHRONY_CONF = "pool 2.debian.pool.ntp.org iburst\nsourcedir /run/chrony-dhcp\n" +
  "sourcedir /etc/chrony/sources.d\ndriftfile /var/lib/chrony/chrony.drift\n";

/** A root holding `files` (path -> text). */
async function seededRoot(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

Deno.test("NTP on a chrony root: create, get, update, delete a sources.d drop-in", async () => {
  const root = await seededRoot({ [NTP_FILES.chrony.main]: CHRONY_CONF });
  try {
    const ctx = testContext(undefined, root);
    const file = `${root}/${NTP_FILES.chrony.managed}`;
    const before = await ntpGet.run({}, ctx);
    assert.deepEqual([before.backend, before.managed, before.servers], [
      "chrony",
      false,
      ["2.debian.pool.ntp.org"],
    ]);
    assert.match(String(before.status_error), /live-only/);

    const servers = ["192.0.2.1", "time.example.com"];
    assert.deepEqual(await ntpCreate.run(ntpCreate.validate({ servers }), ctx), {
      changed: true,
      backend: "chrony",
    });
    assert.match(
      await Deno.readTextFile(file),
      /^server 192\.0\.2\.1 iburst\nserver time\.example\.com iburst\n$/m,
    );
    assert.equal((await ntpCreate.run({ servers }, ctx)).changed, false);
    await assert.rejects(
      ntpCreate.run({ servers: ["192.0.2.9"] }, ctx),
      (e: Error) => e instanceof OperationInputError && /already managed.*PUT/.test(e.message),
    );
    const after = await ntpGet.run({}, ctx);
    assert.deepEqual([after.managed, after.servers], [true, [
      "2.debian.pool.ntp.org",
      "192.0.2.1",
      "time.example.com",
    ]]);

    assert.equal((await ntpUpdate.run({ servers: ["2001:db8::1"] }, ctx)).changed, true);
    assert.equal((await ntpUpdate.run({ servers: ["2001:db8::1"] }, ctx)).changed, false);
    assert.match(await Deno.readTextFile(file), /^server 2001:db8::1 iburst$/m);

    assert.equal((await ntpDelete.run({}, ctx)).changed, true);
    assert.equal((await ntpDelete.run({}, ctx)).changed, false);
    await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
    await assert.rejects(ntpUpdate.run({ servers }, ctx), /not managed by osapi/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("NTP on chrony without a sources.d sourcedir refuses to write a drop-in it ignores", async () => {
  const root = await seededRoot({ [NTP_FILES.chrony.main]: "server 192.0.2.7\n" });
  try {
    await assert.rejects(
      ntpCreate.run({ servers: ["192.0.2.1"] }, testContext(undefined, root)),
      /no `sourcedir \/etc\/chrony\/sources\.d` line/,
    );
    await assert.rejects(Deno.stat(`${root}/${NTP_FILES.chrony.managed}`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("NTP on a timesyncd root: the drop-in resets and sets NTP=", async () => {
  const root = await seededRoot({
    [NTP_FILES.timesyncd.main]: "[Time]\nNTP=ntp.ubuntu.com\n#FallbackNTP=x\n",
  });
  try {
    const ctx = testContext(undefined, root);
    const before = await ntpGet.run({}, ctx);
    assert.deepEqual([before.backend, before.servers], ["timesyncd", ["ntp.ubuntu.com"]]);
    assert.deepEqual(await ntpCreate.run({ servers: ["192.0.2.1", "time.example.com"] }, ctx), {
      changed: true,
      backend: "timesyncd",
    });
    assert.equal(
      await Deno.readTextFile(`${root}/${NTP_FILES.timesyncd.managed}`),
      "# Managed by osapi (its NTP API); changes made here may be overwritten.\n" +
        "[Time]\nNTP=\nNTP=192.0.2.1 time.example.com\n",
    );
    const after = await ntpGet.run({}, ctx);
    assert.deepEqual([after.managed, after.servers], [true, ["192.0.2.1", "time.example.com"]]);
    assert.equal((await ntpDelete.run({}, ctx)).changed, true);
    assert.deepEqual((await ntpGet.run({}, ctx)).servers, ["ntp.ubuntu.com"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a root without an NTP client is a clear error", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    await assert.rejects(ntpGet.run({}, ctx), /no NTP client on this host/);
    await assert.rejects(ntpCreate.run({ servers: ["192.0.2.1"] }, ctx), /no NTP client/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("NTP servers are validated: IP or host name, no options, bounded", () => {
  for (
    const servers of [[], ["-x"], ["a b"], ["host/x"], ["bad_name"], ["1.2.3"], ["x\niburst"], [
      "a",
      "a",
    ], Array.from({ length: 17 }, (_, i) => `s${i}.example`)]
  ) {
    assert.throws(
      () => ntpCreate.validate({ servers }),
      (e: Error) => e instanceof OperationInputError && e.field === "servers",
      JSON.stringify(servers),
    );
  }
  assert.deepEqual(ntpCreate.validate({ servers: ["::1", "pool.ntp.org."] }), {
    servers: ["::1", "pool.ntp.org."],
  });
});

Deno.test("the NTP status is read from chronyc and timedatectl output", () => {
  assert.deepEqual(
    parseChronyTracking(
      "C0A80001,192.168.0.1,3,1700000000.1,-0.000012345,0.1,0.1,1.0,0.0,0.1,0.01,0.01,64.0,Normal\n",
    ),
    { synchronized: true, stratum: 3, offset: "-0.000012345s", current_source: "192.168.0.1" },
  );
  assert.equal(
    parseChronyTracking("00000000,,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,1.0,0.0,Not synchronised")
      .synchronized,
    false,
  );
  assert.throws(() => parseChronyTracking("506 Cannot talk to daemon"), /unexpected chronyc/);
  assert.deepEqual(
    parseTimedatectl(
      "Timezone=UTC\nNTP=yes\nNTPSynchronized=yes\n",
      "ServerName=time.example.com\nServerAddress=192.0.2.1\n" +
        "NTPMessage={ Leap=0, Version=4, Mode=4, Stratum=2, Precision=-25, Offset=+1.204ms }\n",
    ),
    { synchronized: true, stratum: 2, offset: "+1.204ms", current_source: "time.example.com" },
  );
  assert.deepEqual(parseTimedatectl("NTPSynchronized=no\n", ""), { synchronized: false });
});
