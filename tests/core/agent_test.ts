/** Node conditions from facts: thresholds, and transition times kept while unchanged. */
import assert from "node:assert/strict";
import { type AgentFacts, evaluateConditions, formatUptime } from "../../src/core/agent.ts";

const T = { memory_pressure_threshold: 90, high_load_multiplier: 2, disk_pressure_threshold: 80 };

function facts(over: Partial<AgentFacts>, at: string): AgentFacts {
  return {
    collected_at: at,
    machine_id: "",
    os_info: { distribution: "Debian GNU/Linux", version: "12" },
    kernel_version: "6.1.0",
    architecture: "amd64",
    cpu_count: 2,
    fqdn: "h1",
    uptime_seconds: 90061,
    load_average: { "1min": 1, "5min": 1, "15min": 1 },
    memory: { total: 1000, free: 500, used: 500 },
    disk: { total: 100, used: 50 },
    interfaces: [],
    ...over,
  };
}

Deno.test("conditions: memory, load and disk against their thresholds", () => {
  const calm = evaluateConditions(facts({}, "2026-01-01T00:00:00Z"), T);
  assert.deepEqual(calm.map((c) => [c.type, c.status]), [
    ["MemoryPressure", false],
    ["HighLoad", false],
    ["DiskPressure", false],
  ]);
  const busy = evaluateConditions(
    facts({
      memory: { total: 1000, free: 100, used: 900 },
      load_average: { "1min": 4.5, "5min": 1, "15min": 1 },
      disk: { total: 100, used: 80 },
    }, "2026-01-01T00:01:00Z"),
    T,
    calm,
  );
  assert.deepEqual(busy.map((c) => [c.type, c.status, c.last_transition_time]), [
    ["MemoryPressure", true, "2026-01-01T00:01:00Z"],
    ["HighLoad", true, "2026-01-01T00:01:00Z"],
    ["DiskPressure", true, "2026-01-01T00:01:00Z"],
  ]);
  assert.match(busy[1].reason!, /load 4\.50 \(threshold 4\.00: 2 CPUs x 2\)/);
  // unchanged statuses keep their transition time; unknown disk usage is no pressure
  const later = evaluateConditions(
    facts(
      { memory: { total: 1000, free: 50, used: 950 }, disk: undefined },
      "2026-01-01T00:02:00Z",
    ),
    T,
    busy,
  );
  assert.deepEqual(later.map((c) => [c.type, c.status, c.last_transition_time]), [
    ["MemoryPressure", true, "2026-01-01T00:01:00Z"],
    ["HighLoad", false, "2026-01-01T00:02:00Z"],
    ["DiskPressure", false, "2026-01-01T00:02:00Z"],
  ]);
  assert.equal(later[2].reason, "root file system usage unknown");
  assert.equal(formatUptime(90061), "1d 1h 1m");
});
