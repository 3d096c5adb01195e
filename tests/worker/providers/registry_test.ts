import assert from "node:assert/strict";
import {
  ProviderInputError,
  providerInputSchemas,
  providerRegistry,
} from "../../../src/worker/providers/mod.ts";

const TYPES = [
  "system.hostname.get",
  "system.status.get",
  "system.uptime.get",
  "system.os.get",
  "system.disk.get",
  "system.memory.get",
  "system.load.get",
  "network.dns.get",
  "network.dns.update",
  "network.ping.do",
  "command.exec.do",
  "command.shell.do",
];

Deno.test("the registry holds every provider, with the right kind", () => {
  const reg = providerRegistry();
  assert.deepEqual([...reg.keys()].sort(), [...TYPES].sort());
  const modify = [...reg.values()].filter((p) => p.kind === "modify").map((p) => p.type).sort();
  assert.deepEqual(modify, ["command.exec.do", "command.shell.do", "network.dns.update"]);
});

Deno.test("every provider's input is described, and the description is JSON", () => {
  const schemas = providerInputSchemas();
  assert.deepEqual([...schemas.keys()].sort(), [...TYPES].sort());
  for (const [type, s] of schemas) {
    assert.equal(s.type, "object", type);
    assert.equal(s.additionalProperties, false, type);
    for (const r of s.required) assert.ok(r in s.properties, `${type}: ${r}`);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  }
  assert.deepEqual(schemas.get("network.ping.do")!.required, ["address"]);
  assert.equal(schemas.get("command.shell.do")!.properties.timeout.type, "integer");
});

Deno.test("every provider refuses a non-object and an unknown field", () => {
  for (const p of providerRegistry().values()) {
    for (const bad of ["x", 1, [], { no_such_field: 1 }]) {
      assert.throws(() => p.validate(bad), ProviderInputError, `${p.type} ${JSON.stringify(bad)}`);
    }
  }
});
