import assert from "node:assert/strict";
import { goDuration, parsePingOutput, pingDo } from "../../../src/worker/providers/ping.ts";
import { OperationInputError } from "../../../src/core/job.ts";
import { testContext } from "./ctx.ts";

Deno.test("network.ping.do pings 127.0.0.1 with the system ping", async () => {
  const input = pingDo.validate({ address: "127.0.0.1", count: 2 });
  assert.deepEqual(input, { address: "127.0.0.1", count: 2, timeout: 10 });
  const r = await pingDo.run(input, testContext());
  assert.equal(r.address, "127.0.0.1");
  assert.equal(r.packets_sent, 2);
  assert.equal(r.packets_received, 2);
  assert.equal(r.packet_loss, 0);
  for (const rtt of [r.min_rtt, r.avg_rtt, r.max_rtt]) {
    assert.match(rtt, /^\d+(\.\d+)?(ns|µs|ms|s)$/);
    assert.notEqual(rtt, "0s");
  }
});

Deno.test("network.ping.do: a name that does not resolve fails with ping's message", async () => {
  await assert.rejects(
    pingDo.run(
      pingDo.validate({ address: "no-such-host.invalid", count: 1, timeout: 2 }),
      testContext(),
    ),
    /ping no-such-host\.invalid failed: .+/,
  );
});

Deno.test("parsePingOutput: iputils and BusyBox statistics, total loss", () => {
  const iputils = `--- 10.0.0.1 ping statistics ---
3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2003ms
rtt min/avg/max/mdev = 14.637/18.647/24.309/4.1 ms`;
  assert.deepEqual(parsePingOutput(iputils), {
    packets_sent: 3,
    packets_received: 2,
    packet_loss: 33.3333,
    min_rtt: "14.637ms",
    avg_rtt: "18.647ms",
    max_rtt: "24.309ms",
  });
  const busybox = `3 packets transmitted, 3 packets received, 0% packet loss
round-trip min/avg/max = 0.057/0.078/1500.5 ms`;
  assert.deepEqual(parsePingOutput(busybox), {
    packets_sent: 3,
    packets_received: 3,
    packet_loss: 0,
    min_rtt: "57µs",
    avg_rtt: "78µs",
    max_rtt: "1.5005s",
  });
  const lost = parsePingOutput("1 packets transmitted, 0 received, 100% packet loss, time 0ms");
  assert.equal(lost?.packet_loss, 100);
  assert.equal(lost?.min_rtt, "0s");
  assert.equal(parsePingOutput("ping: unknown host"), undefined);
});

Deno.test("goDuration writes durations like Go", () => {
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(0.0005), "500ns");
  assert.equal(goDuration(0.221), "221µs");
  assert.equal(goDuration(14.637103), "14.637103ms");
  assert.equal(goDuration(1000), "1s");
  assert.equal(goDuration(90_500), "1m30.5s");
  assert.equal(goDuration(3_600_000), "1h0m0s");
});

Deno.test("network.ping.do: every bad input is an OperationInputError", () => {
  const cases: [unknown, RegExp][] = [
    [{}, /missing required field "address"/],
    [{ address: "-f" }, /address "-f" is not an IP address or host name/],
    [{ address: "--flood" }, /is not an IP address or host name/],
    [{ address: "127.0.0.1 -f" }, /is not an IP address or host name/],
    [{ address: "a;reboot" }, /is not an IP address or host name/],
    [{ address: "300.1.1.1" }, /is not an IP address or host name/],
    [{ address: "" }, /address must not be empty/],
    [{ address: 127 }, /address must be a string/],
    [{ address: "x".repeat(300) }, /address is too long/],
    [{ address: "127.0.0.1", count: 0 }, /count must be between 1 and 10/],
    [{ address: "127.0.0.1", count: 11 }, /count must be between 1 and 10/],
    [{ address: "127.0.0.1", timeout: 0 }, /timeout must be between 1 and 60/],
    [{ address: "127.0.0.1", interval: 0 }, /unknown field "interval"/],
  ];
  for (const [data, message] of cases) {
    assert.throws(
      () => pingDo.validate(data),
      (e: unknown) => e instanceof OperationInputError && message.test(e.message),
      `expected ${message} for ${JSON.stringify(data)}`,
    );
  }
  assert.equal(pingDo.validate({ address: "::1" }).address, "::1");
  assert.equal(pingDo.validate({ address: "localhost" }).address, "localhost");
});
