/**
 * While the supervised nats-server restarts after a kill -9, job requests get 503
 * problem+json with Retry-After saying NATS is reconnecting (never 500), and /health/ready
 * gives the same reason; once NATS is back, requests succeed again.
 */
import assert from "node:assert/strict";
import { startServe } from "../helpers/serve.ts";

Deno.test("kill -9 of nats-server under requests: 503 with Retry-After, no 500", async () => {
  // A restart back-off long enough that requests certainly meet the reconnecting window.
  await using s = await startServe({ OSAPI_NATS_SERVER_RESTART_BACKOFF: "2s" });
  const token = (await Deno.readTextFile(`${s.dataDir}/api/admin.token`)).trim();
  const auth = { authorization: `Bearer ${token}` };
  const hostname = () =>
    fetch(`${s.apiUrl}/system/hostname?target_hostname=_any`, { headers: auth });
  const warm = await hostname();
  assert.equal(warm.status, 200, await warm.text());

  const pid = await s.natsPid();
  assert.ok(pid);
  Deno.kill(pid, "SIGKILL");

  // Readiness is polled on its own (job requests in flight may wait for NATS timeouts).
  const readiness = (async () => {
    const seen: { status: string; error?: string }[] = [];
    for (let i = 0; i < 2000; i++) {
      const h = await fetch(`${s.apiUrl}/health/ready`);
      const body = await h.json();
      if (h.status === 503) seen.push(body);
      if (seen.length > 0 && h.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return seen;
  })();

  const statuses: number[] = [];
  let unavailable: { retryAfter: string | null; type: string | null; detail: string } | undefined;
  let recovered = false;
  // Bounded: at most 400 rounds of 3 concurrent requests.
  for (let round = 0; round < 400 && !recovered; round++) {
    const answers = await Promise.all([
      hostname(),
      hostname(),
      fetch(`${s.apiUrl}/job`, { headers: auth }),
    ]);
    for (const r of answers) {
      statuses.push(r.status);
      const text = await r.text();
      if (r.status === 500) {
        const logged = s.output().split("\n").filter((l) => l.includes("request failed"));
        assert.fail(`500: ${text}\n${logged.join("\n")}`);
      }
      if (r.status === 503) {
        unavailable ??= {
          retryAfter: r.headers.get("retry-after"),
          type: r.headers.get("content-type"),
          detail: JSON.parse(text).detail,
        };
      }
    }
    recovered = unavailable !== undefined && answers.every((r) => r.status === 200);
    if (!recovered) await new Promise((r) => setTimeout(r, 25));
  }
  const ready = await readiness;
  assert.ok(unavailable, `a 503 while NATS was away; statuses: ${statuses.join(",")}`);
  assert.equal(unavailable.type, "application/problem+json");
  assert.ok(Number(unavailable.retryAfter) > 0, `Retry-After: ${unavailable.retryAfter}`);
  assert.match(unavailable.detail, /NATS is (reconnecting|unavailable)/);
  assert.ok(ready.length > 0, "/health/ready was 503 while NATS was away");
  for (const r of ready) {
    assert.equal(r.status, "not_ready");
    assert.match(r.error ?? "", /NATS/);
  }
  assert.ok(
    ready.some((r) => /NATS is reconnecting/.test(r.error ?? "")),
    JSON.stringify(ready.slice(0, 5)),
  );
  assert.ok(recovered, `requests succeed again after the restart; statuses: ${statuses.join(",")}`);
  assert.ok(statuses.every((c) => c === 200 || c === 503), statuses.join(","));
});
