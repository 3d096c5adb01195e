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

  const statuses: number[] = [];
  let unavailable: { retryAfter: string | null; type: string | null; detail: string } | undefined;
  let ready: { status: string; error?: string } | undefined;
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
      assert.notEqual(r.status, 500, text);
      if (r.status === 503) {
        unavailable ??= {
          retryAfter: r.headers.get("retry-after"),
          type: r.headers.get("content-type"),
          detail: JSON.parse(text).detail,
        };
      }
    }
    const h = await fetch(`${s.apiUrl}/health/ready`);
    const body = await h.json();
    if (h.status === 503 && !ready) ready = body;
    recovered = unavailable !== undefined && answers.every((r) => r.status === 200) &&
      h.status === 200;
    if (!recovered) await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(unavailable, `a 503 while NATS was away; statuses: ${statuses.join(",")}`);
  assert.equal(unavailable.type, "application/problem+json");
  assert.ok(Number(unavailable.retryAfter) > 0, `Retry-After: ${unavailable.retryAfter}`);
  assert.match(unavailable.detail, /NATS is (reconnecting|unavailable)/);
  assert.ok(ready, "/health/ready was 503 while NATS was away");
  assert.equal(ready.status, "not_ready");
  assert.match(ready.error ?? "", /NATS is reconnecting/);
  assert.ok(recovered, `requests succeed again after the restart; statuses: ${statuses.join(",")}`);
  assert.ok(statuses.every((c) => c === 200 || c === 503), statuses.join(","));
});
