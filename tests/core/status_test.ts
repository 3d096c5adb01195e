import assert from "node:assert/strict";
import { computeStatus, statusOfResults } from "../../src/core/status.ts";
import type { JobEvent } from "../../src/core/job.ts";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (type: JobEvent["type"], s: number, hostname?: string): JobEvent => ({
  type,
  time: at(s),
  ...(hostname ? { hostname } : {}),
});

Deno.test("a job is submitted until a worker acknowledges it", () => {
  assert.equal(computeStatus([ev("submitted", 0)]), "submitted");
  assert.equal(computeStatus([ev("submitted", 0)], ["a", "b"]), "submitted");
  assert.equal(computeStatus([ev("submitted", 0), ev("retried", 1)], ["a"]), "submitted");
});

Deno.test("broadcast status waits for every expected host", () => {
  const base = [ev("submitted", 0), ev("acknowledged", 1, "a"), ev("started", 2, "a")];
  assert.equal(computeStatus(base, ["a", "b"]), "processing");
  const aDone = [...base, ev("completed", 3, "a")];
  assert.equal(computeStatus(aDone, ["a", "b"]), "processing", "b has not answered yet");
  assert.equal(computeStatus([...aDone, ev("completed", 4, "b")], ["a", "b"]), "completed");
  assert.equal(
    computeStatus([...aDone, ev("failed", 4, "b")], ["a", "b"]),
    "partial_failure",
  );
  assert.equal(
    computeStatus([ev("failed", 3, "a"), ev("failed", 4, "b")], ["a", "b"]),
    "failed",
  );
});

Deno.test("events are ordered by time, and a late acknowledgement does not reopen a host", () => {
  const shuffled = [ev("completed", 5, "a"), ev("acknowledged", 1, "a"), ev("submitted", 0)];
  assert.equal(computeStatus(shuffled, ["a"]), "completed");
  const lateAck = [ev("completed", 5, "a"), ev("acknowledged", 5, "a")];
  assert.equal(computeStatus(lateAck, ["a"]), "completed");
});

Deno.test("host names are compared sanitised", () => {
  assert.equal(computeStatus([ev("completed", 1, "web.1")], ["web_1"]), "completed");
});

Deno.test("_any jobs finish with the first host that finishes", () => {
  const redelivered = [
    ev("submitted", 0),
    ev("acknowledged", 1, "dead"),
    ev("started", 2, "dead"),
    ev("acknowledged", 10, "alive"),
    ev("started", 11, "alive"),
  ];
  assert.equal(computeStatus(redelivered), "processing");
  assert.equal(computeStatus([...redelivered, ev("completed", 12, "alive")]), "completed");
  assert.equal(computeStatus([...redelivered, ev("failed", 12, "alive")]), "failed");
  assert.equal(computeStatus([ev("submitted", 0)]), "submitted");
});

Deno.test("the status of collected results", () => {
  assert.equal(statusOfResults([]), "submitted");
  assert.equal(statusOfResults([{ status: "completed" }, { status: "completed" }]), "completed");
  assert.equal(statusOfResults([{ status: "failed" }]), "failed");
  assert.equal(statusOfResults([{ status: "failed" }, { status: "completed" }]), "partial_failure");
});
