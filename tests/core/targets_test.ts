import assert from "node:assert/strict";
import { labelMatches, resolveTarget, TargetError } from "../../src/core/targets.ts";
import type { WorkerInfo } from "../../src/core/job.ts";

const worker = (hostname: string, labels: Record<string, string> = {}): WorkerInfo => ({
  hostname,
  labels,
  started: "2026-01-01T00:00:00.000Z",
  last_seen: "2026-01-01T00:00:00.000Z",
  version: "0",
  running: 0,
});
const fleet = [
  worker("web1.example.com", { group: "web.dev.us-east" }),
  worker("web2", { group: "web.prod", tier: "gold" }),
  worker("db1", { group: "db" }),
];
const hosts = (ws: WorkerInfo[]) => ws.map((w) => w.hostname);

Deno.test("dotted label values match by prefix, segment by segment", () => {
  const labels = { group: "web.dev.us-east" };
  assert.ok(labelMatches(labels, "group", ["web"]));
  assert.ok(labelMatches(labels, "group", ["web", "dev"]));
  assert.ok(labelMatches(labels, "group", ["web", "dev", "us-east"]));
  assert.ok(!labelMatches(labels, "group", ["we"]), "not a string prefix");
  assert.ok(!labelMatches(labels, "group", ["web", "dev", "us-east", "1"]));
  assert.ok(!labelMatches(labels, "group", ["dev"]));
  assert.ok(!labelMatches(labels, "role", ["web"]));
});

Deno.test("targets resolve to the live workers they reach", () => {
  assert.deepEqual(hosts(resolveTarget("_any", fleet).workers), hosts(fleet));
  assert.deepEqual(hosts(resolveTarget("", fleet).workers), hosts(fleet));
  assert.deepEqual(hosts(resolveTarget("_all", fleet).workers), hosts(fleet));
  assert.deepEqual(hosts(resolveTarget("db1", fleet).workers), ["db1"]);
  assert.deepEqual(hosts(resolveTarget("web1.example.com", fleet).workers), ["web1.example.com"]);
  assert.deepEqual(hosts(resolveTarget("group:web", fleet).workers), ["web1.example.com", "web2"]);
  assert.deepEqual(hosts(resolveTarget("group:web.prod", fleet).workers), ["web2"]);
  assert.deepEqual(hosts(resolveTarget("tier:gold", fleet).workers), ["web2"]);
});

Deno.test("targets without live workers, and bad syntax, are TargetErrors", () => {
  const cases: [string, WorkerInfo[], RegExp][] = [
    ["ghost", fleet, /unknown host "ghost"/],
    ["group:cache", fleet, /no live worker has label group:cache/],
    ["group:web.staging", fleet, /group:web\.staging/],
    ["_any", [], /no live worker.*_any/],
    ["_all", [], /no live worker.*_all/],
    ["web>", fleet, /wildcards/],
    ["_other", fleet, /expected _any, _all/],
    ["group:", fleet, /invalid label target/],
  ];
  for (const [text, workers, message] of cases) {
    assert.throws(() => resolveTarget(text, workers), (e: Error) => {
      assert.ok(e instanceof TargetError, `${text}: ${e.name}`);
      assert.match(e.message, message);
      return true;
    });
  }
});
