/**
 * The operation table is the one source of truth: every shipped provider agrees with it on type,
 * kind and input check; its permissions are API permissions; its inputs are closed objects; and neither the job layer nor the API pulls in the worker.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { PERMISSIONS } from "../../src/core/permissions.ts";
import { checkInput, OPERATIONS, operationSpec } from "../../src/core/operations/mod.ts";
import { OperationInputError } from "../../src/core/job.ts";
import { loadProviders } from "../../src/worker/providers/mod.ts";

const EXPECTED: Record<string, { kind: string; permission: string }> = {
  "system.hostname.get": { kind: "query", permission: "system:read" },
  "system.status.get": { kind: "query", permission: "system:read" },
  "system.uptime.get": { kind: "query", permission: "system:read" },
  "system.os.get": { kind: "query", permission: "system:read" },
  "system.disk.get": { kind: "query", permission: "system:read" },
  "system.memory.get": { kind: "query", permission: "system:read" },
  "system.load.get": { kind: "query", permission: "system:read" },
  "network.dns.delete": { kind: "modify", permission: "network:write" },
  "network.dns.get": { kind: "query", permission: "network:read" },
  "network.dns.update": { kind: "modify", permission: "network:write" },
  // sends packets on the caller's behalf: network:write, as OSAPI's /network/ping
  "network.ping.do": { kind: "query", permission: "network:write" },
  "node.network.interface.list": { kind: "query", permission: "network:read" },
  "node.network.interface.get": { kind: "query", permission: "network:read" },
  "node.network.interface.create": { kind: "modify", permission: "network:write" },
  "node.network.interface.update": { kind: "modify", permission: "network:write" },
  "node.network.interface.delete": { kind: "modify", permission: "network:write" },
  "node.network.route.list": { kind: "query", permission: "network:read" },
  "node.network.route.get": { kind: "query", permission: "network:read" },
  "node.network.route.create": { kind: "modify", permission: "network:write" },
  "node.network.route.update": { kind: "modify", permission: "network:write" },
  "node.network.route.delete": { kind: "modify", permission: "network:write" },
  "command.exec.do": { kind: "modify", permission: "command:execute" },
  "command.shell.do": { kind: "modify", permission: "command:execute" },
  "node.hostname.update": { kind: "modify", permission: "node:write" },
  "node.file.deploy": { kind: "modify", permission: "file:write" },
  "node.file.undeploy": { kind: "modify", permission: "file:write" },
  "node.file.status": { kind: "query", permission: "file:read" },
  "node.docker.list": { kind: "query", permission: "docker:read" },
  "node.docker.get": { kind: "query", permission: "docker:read" },
  "node.docker.create": { kind: "modify", permission: "docker:write" },
  "node.docker.delete": { kind: "modify", permission: "docker:write" },
  "node.docker.start": { kind: "modify", permission: "docker:write" },
  "node.docker.stop": { kind: "modify", permission: "docker:write" },
  "node.docker.exec": { kind: "modify", permission: "docker:execute" },
  "node.docker.pull": { kind: "modify", permission: "docker:write" },
  "node.docker.image_delete": { kind: "modify", permission: "docker:write" },
  "node.sysctl.list": { kind: "query", permission: "sysctl:read" },
  "node.sysctl.get": { kind: "query", permission: "sysctl:read" },
  "node.sysctl.create": { kind: "modify", permission: "sysctl:write" },
  "node.sysctl.update": { kind: "modify", permission: "sysctl:write" },
  "node.sysctl.delete": { kind: "modify", permission: "sysctl:write" },
  "node.cron.list": { kind: "query", permission: "cron:read" },
  "node.cron.get": { kind: "query", permission: "cron:read" },
  "node.cron.create": { kind: "modify", permission: "cron:write" },
  "node.cron.update": { kind: "modify", permission: "cron:write" },
  "node.cron.delete": { kind: "modify", permission: "cron:write" },
  "node.timezone.get": { kind: "query", permission: "timezone:read" },
  "node.timezone.update": { kind: "modify", permission: "timezone:write" },
  "node.package.list": { kind: "query", permission: "package:read" },
  "node.package.get": { kind: "query", permission: "package:read" },
  "node.package.install": { kind: "modify", permission: "package:write" },
  "node.package.delete": { kind: "modify", permission: "package:write" },
  "node.package.update": { kind: "modify", permission: "package:write" },
  "node.package.updates": { kind: "query", permission: "package:read" },
  "node.service.list": { kind: "query", permission: "service:read" },
  "node.service.get": { kind: "query", permission: "service:read" },
  "node.service.create": { kind: "modify", permission: "service:write" },
  "node.service.update": { kind: "modify", permission: "service:write" },
  "node.service.delete": { kind: "modify", permission: "service:write" },
  "node.service.start": { kind: "modify", permission: "service:write" },
  "node.service.stop": { kind: "modify", permission: "service:write" },
  "node.service.restart": { kind: "modify", permission: "service:write" },
  "node.service.enable": { kind: "modify", permission: "service:write" },
  "node.service.disable": { kind: "modify", permission: "service:write" },
  "node.process.list": { kind: "query", permission: "process:read" },
  "node.process.get": { kind: "query", permission: "process:read" },
  "node.process.signal": { kind: "modify", permission: "process:execute" },
  "node.ntp.get": { kind: "query", permission: "ntp:read" },
  "node.ntp.create": { kind: "modify", permission: "ntp:write" },
  "node.ntp.update": { kind: "modify", permission: "ntp:write" },
  "node.ntp.delete": { kind: "modify", permission: "ntp:write" },
  "node.certificate.list": { kind: "query", permission: "certificate:read" },
  "node.certificate.create": { kind: "modify", permission: "certificate:write" },
  "node.certificate.update": { kind: "modify", permission: "certificate:write" },
  "node.certificate.delete": { kind: "modify", permission: "certificate:write" },
  "node.log.entries": { kind: "query", permission: "log:read" },
  "node.log.unit": { kind: "query", permission: "log:read" },
  "node.log.sources": { kind: "query", permission: "log:read" },
  "node.user.list": { kind: "query", permission: "user:read" },
  "node.user.get": { kind: "query", permission: "user:read" },
  "node.user.create": { kind: "modify", permission: "user:write" },
  "node.user.update": { kind: "modify", permission: "user:write" },
  "node.user.delete": { kind: "modify", permission: "user:write" },
  "node.user.password": { kind: "modify", permission: "user:write" },
  "node.user.ssh_key.list": { kind: "query", permission: "user:read" },
  "node.user.ssh_key.add": { kind: "modify", permission: "user:write" },
  "node.user.ssh_key.remove": { kind: "modify", permission: "user:write" },
  "node.group.list": { kind: "query", permission: "user:read" },
  "node.group.get": { kind: "query", permission: "user:read" },
  "node.group.create": { kind: "modify", permission: "user:write" },
  "node.group.update": { kind: "modify", permission: "user:write" },
  "node.group.delete": { kind: "modify", permission: "user:write" },
  "node.power.reboot": { kind: "modify", permission: "power:execute" },
  "node.power.shutdown": { kind: "modify", permission: "power:execute" },
};

Deno.test("the table names every operation with its kind and permission", () => {
  const rows = Object.fromEntries(
    [...OPERATIONS.values()].map((o) => [o.type, { kind: o.kind, permission: o.permission }]),
  );
  assert.deepEqual(rows, EXPECTED);
  for (const o of OPERATIONS.values()) {
    assert.ok((PERMISSIONS as readonly string[]).includes(o.permission), o.type);
  }
  assert.equal(operationSpec("system.reboot.do"), undefined);
  assert.equal(operationSpec("toString"), undefined);
});

Deno.test("the table and loadProviders() agree on every type, kind and input check", async () => {
  const providers = await loadProviders();
  assert.deepEqual([...providers.keys()].sort(), [...OPERATIONS.keys()].sort());
  for (const [type, spec] of OPERATIONS) {
    const p = providers.get(type)!;
    assert.equal(p.type, spec.type, type);
    assert.equal(p.kind, spec.kind, `${type}: kind`);
    for (const bad of [{ no_such_field: 1 }, "x"]) {
      const error = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return (e as Error).message;
        }
        return "accepted";
      };
      assert.equal(
        error(() => p.validate(bad)),
        error(() => checkInput(spec, bad)),
        `${type}: the provider validates with the table`,
      );
    }
  }
});

/** An operation's input as JSON Schema (as the API documents it). */
// deno-lint-ignore no-explicit-any
const jsonSchema = (type: string): any =>
  z.toJSONSchema(operationSpec(type)!.input, { io: "input" });

Deno.test("every input is a closed JSON Schema whose required fields exist", () => {
  for (const type of OPERATIONS.keys()) {
    const input = jsonSchema(type);
    assert.equal(input.type, "object", type);
    assert.equal(input.additionalProperties, false, type);
    for (const r of input.required ?? []) assert.ok(r in input.properties, `${type}: ${r}`);
  }
  assert.deepEqual(jsonSchema("network.ping.do").required, ["address"]);
  assert.equal(jsonSchema("command.shell.do").properties.timeout.type, "integer");
});

Deno.test("the table's check names the field at fault", () => {
  const bad: [string, unknown, string | undefined, RegExp][] = [
    ["network.dns.update", { interface_name: "lo", servers: ["8.8.8"] }, "servers", /not an IP/],
    ["network.dns.update", { interface_name: "lo" }, undefined, /servers, search_domains/],
    ["network.ping.do", { address: "-f" }, "address", /not an IP address or host name/],
    ["command.exec.do", { argv: ["ls"], timeout: 0 }, "timeout", /between 1 and 300/],
    ["command.exec.do", { argv: ["ls"], env: { A: "\0" } }, "env", /NUL/],
    ["command.shell.do", { command: "ls", extra: 1 }, "extra", /unknown field "extra"/],
    ["command.shell.do", {}, "command", /missing required field "command"/],
  ];
  for (const [type, data, field, message] of bad) {
    assert.throws(
      () => checkInput(operationSpec(type)!, data),
      (e: unknown) =>
        e instanceof OperationInputError && e.field === field && message.test(e.message),
      `${type} ${JSON.stringify(data)}`,
    );
  }
});

/** The local modules `entry` loads, per `deno info`. */
async function localModules(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: fileURLToPath(new URL("../../", import.meta.url)),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success, `deno info ${entry}`);
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  return (graph.modules as { specifier: string }[])
    .map((m) => m.specifier)
    .filter((s) => s.startsWith("file://"));
}

Deno.test("neither the job layer nor the API imports the worker", async () => {
  for (const entry of ["src/job/client.ts", "src/api/app.ts"]) {
    const modules = await localModules(entry);
    assert.ok(modules.some((m) => m.endsWith("/src/core/operations/mod.ts")), entry);
    const worker = modules.filter((m) => m.includes("/src/worker/"));
    assert.deepEqual(worker, [], `${entry} pulls in the worker`);
  }
});
