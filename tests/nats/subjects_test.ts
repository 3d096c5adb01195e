import assert from "node:assert/strict";
import { formatTarget, parseTarget, RouteError, sanitizeToken } from "../../src/core/targets.ts";
import { SubjectRouter, validateNamespace } from "../../src/nats/subjects.ts";

Deno.test("namespaces: valid, empty, and rejected with a clear error", () => {
  assert.equal(validateNamespace("prod"), "prod");
  assert.equal(validateNamespace("a_b-C9"), "a_b-C9");
  assert.equal(validateNamespace(""), "");
  for (const bad of ["a.b", "a b", "*", ">", "x".repeat(33), "ü"]) {
    assert.throws(
      () => new SubjectRouter(bad),
      (e: unknown) =>
        e instanceof RouteError && /invalid namespace .*1-32 characters/.test(e.message),
    );
  }
});

Deno.test("job subjects for every target kind, with and without a namespace", () => {
  const ns = new SubjectRouter("prod");
  const bare = new SubjectRouter("");
  assert.equal(ns.job("query", { type: "any" }), "prod.jobs.query._any");
  assert.equal(bare.job("query", { type: "any" }), "jobs.query._any");
  assert.equal(ns.job("modify", { type: "all" }), "prod.jobs.modify._all");
  assert.equal(ns.job("query", { type: "host", host: "web01" }), "prod.jobs.query.host.web01");
  assert.equal(
    ns.job("query", { type: "label", key: "group", value: ["web", "dev"] }),
    "prod.jobs.query.label.group.web.dev",
  );
  assert.deepEqual(ns.jobStreamSubjects(), ["prod.jobs.query.>", "prod.jobs.modify.>"]);
  assert.deepEqual(bare.jobStreamSubjects(), ["jobs.query.>", "jobs.modify.>"]);
});

Deno.test("hosts are sanitised: no wildcard, dot or whitespace reaches a subject", () => {
  const r = new SubjectRouter("ns");
  assert.equal(
    r.job("query", { type: "host", host: "web.example.com" }),
    "ns.jobs.query.host.web_example_com",
  );
  assert.equal(r.job("query", { type: "host", host: "a*b>c d" }), "ns.jobs.query.host.a_b_c_d");
  assert.equal(r.workerConsumer("web.example.com"), "ns-worker-web_example_com");
  assert.equal(sanitizeToken("  x\ty "), "x_y");
  assert.throws(() => sanitizeToken("   "), RouteError);
});

Deno.test("results, DLQ and inbox names", () => {
  const r = new SubjectRouter("ns");
  assert.equal(r.result("0190-ab"), "ns.jobs.results.0190-ab");
  assert.equal(r.resultsWildcard(), "ns.jobs.results.>");
  assert.equal(r.dlqJob("ns.jobs.query.host.a"), "ns.dlq.jobs.query.host.a");
  assert.deepEqual(r.dlqSubjects(), ["ns.dlq.jobs.>"]);
  assert.equal(r.inboxPrefix, "_INBOX.ns");
  const bare = new SubjectRouter("");
  assert.equal(bare.inboxPrefix, "_INBOX");
  assert.equal(bare.dlqJob("jobs.modify._all"), "dlq.jobs.modify._all");
  assert.equal(bare.result("id"), "jobs.results.id");
});

Deno.test("streams, buckets and consumers follow OSAPI's names", () => {
  const r = new SubjectRouter("a");
  assert.equal(r.stream, "a-JOBS");
  assert.equal(r.dlqStream, "a-JOBS-DLQ");
  assert.deepEqual(r.buckets, [
    "a-job-queue",
    "a-job-responses",
    "a-audit-log",
    "a-worker-registry",
    "a-agent-state",
    "a-file-state",
  ]);
  assert.equal(r.anyConsumer("query"), "a-any-query");
  assert.equal(r.workerConsumer("h1"), "a-worker-h1");
  const bare = new SubjectRouter("");
  assert.equal(bare.stream, "JOBS");
  assert.equal(bare.jobBucket, "job-queue");
  assert.equal(bare.anyConsumer("modify"), "any-modify");
  const custom = new SubjectRouter("b", { stream: "WORK", jobBucket: "records" });
  assert.equal(custom.stream, "b-WORK");
  assert.equal(custom.jobBucket, "b-records");
});

Deno.test("worker filters: host, _all, and every prefix of every label value", () => {
  const r = new SubjectRouter("ns");
  const f = r.workerFilters("web01", { group: "web.dev.us-east", tier: "gold" });
  const query = f.filter((s) => s.includes(".query."));
  assert.deepEqual(query, [
    "ns.jobs.query.host.web01",
    "ns.jobs.query._all",
    "ns.jobs.query.label.group.web",
    "ns.jobs.query.label.group.web.dev",
    "ns.jobs.query.label.group.web.dev.us-east",
    "ns.jobs.query.label.tier.gold",
  ]);
  assert.equal(f.length, 12);
  assert.ok(f.every((s) => !/[*> ]/.test(s)));
});

Deno.test("parseTarget: every syntax and every rejection", () => {
  assert.deepEqual(parseTarget("_any"), { type: "any" });
  assert.deepEqual(parseTarget(""), { type: "any" });
  assert.deepEqual(parseTarget("_all"), { type: "all" });
  assert.deepEqual(parseTarget("web01"), { type: "host", host: "web01" });
  assert.deepEqual(parseTarget("group:web.dev"), {
    type: "label",
    key: "group",
    value: ["web", "dev"],
  });
  assert.equal(formatTarget(parseTarget("group:web.dev")), "group:web.dev");
  assert.equal(formatTarget(parseTarget("h")), "h");
  assert.equal(formatTarget({ type: "all" }), "_all");
  assert.equal(formatTarget({ type: "any" }), "_any");
  for (
    const bad of [
      "*",
      "web>",
      "a b",
      "group:",
      ":web",
      "group:web..dev",
      "group:we b",
      "g*:x",
      "_other",
    ]
  ) {
    assert.throws(() => parseTarget(bad), RouteError, bad);
  }
});
