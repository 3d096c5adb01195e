/**
 * The OpenAPI 3.1 document generated from the zod schemas: OSAPI's paths and methods, security
 * and problem responses on every protected operation, the docs page rendering it offline, and
 * the configurable metrics path.
 */
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import { operationSpec } from "../../src/core/operations/mod.ts";
import { startTestApi } from "../helpers/api.ts";
import { DOCS_PATHS, PUBLIC_PATHS } from "../../src/api/middleware/auth.ts";

const EXPECTED: [string, string][] = [
  ["get", "/system/hostname"],
  ["get", "/system/status"],
  ["get", "/system/uptime"],
  ["get", "/system/os"],
  ["get", "/system/disk"],
  ["get", "/system/memory"],
  ["get", "/system/load"],
  ["get", "/network/dns/{interfaceName}"],
  ["put", "/network/dns"],
  ["post", "/network/ping"],
  ["post", "/command/exec"],
  ["post", "/command/shell"],
  ["post", "/job"],
  ["get", "/job"],
  ["get", "/job/status"],
  ["get", "/job/workers"],
  ["get", "/job/{id}"],
  ["delete", "/job/{id}"],
  ["post", "/job/{id}/retry"],
  ["get", "/health"],
  ["get", "/health/ready"],
  ["get", "/health/status"],
  ["get", "/audit"],
  ["get", "/audit/{id}"],
  ["get", "/audit/export"],
  ["get", "/version"],
  ["get", "/api/job"],
  ["get", "/api/job/{id}"],
  ["delete", "/api/job/{id}"],
  ["post", "/api/job/{id}/retry"],
  ["get", "/api/health"],
  ["get", "/api/health/ready"],
  ["get", "/api/health/status"],
  ["get", "/api/audit"],
  ["get", "/api/audit/{id}"],
  ["get", "/api/audit/export"],
  ["get", "/api/version"],
  ["get", "/metrics"],
  ["get", "/openapi.json"],
  ["get", "/docs"],
];

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

Deno.test("the document is OpenAPI 3.1 with OSAPI's operations, security and problems", async () => {
  await using api = await startTestApi({ workers: [] });
  const r = await api.admin.call("GET", "/openapi.json");
  assert.equal(r.status, 200);
  const doc = r.body as Json;
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(doc, JSON.parse(JSON.stringify(api.server.handle.document())));
  assert.deepEqual(doc.components.securitySchemes.BearerAuth, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "HS256 token from `osapi token generate`",
  });
  for (const [method, path] of EXPECTED) {
    assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} missing`);
  }
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId && !ids.has(op.operationId), `${where}: operationId`);
      ids.add(op.operationId);
      const isPublic = PUBLIC_PATHS.has(path) || DOCS_PATHS.includes(path);
      if (isPublic) {
        assert.equal(op.security, undefined, `${where} must be public`);
        continue;
      }
      assert.ok(Array.isArray(op.security), `${where}: security`);
      for (const code of ["401", "403"]) {
        assert.ok(
          op.responses[code]?.content?.["application/problem+json"],
          `${where}: ${code} problem`,
        );
      }
      if (op.requestBody) {
        for (const code of ["400", "413", "415"]) {
          assert.ok(op.responses[code], `${where}: ${code}`);
        }
      }
    }
  }
  assert.deepEqual(doc.paths["/command/exec"].post.security, [
    { BearerAuth: ["command:execute"] },
  ]);
  assert.equal(doc.paths["/command/exec"].post.responses["202"] !== undefined, true);
  assert.equal(doc.paths["/job"].post.responses["201"] !== undefined, true);
  assert.equal(doc.paths["/job/{id}"].delete.responses["204"].content, undefined);
  const exec = doc.components.schemas.CommandExecRequest;
  assert.equal(exec.properties.timeout.minimum, 1);
  assert.equal(exec.properties.timeout.maximum, 300);
  const target = doc.paths["/system/hostname"].get.parameters.find((p: Json) =>
    p.name === "target_hostname"
  );
  assert.equal(target.in, "query");
  assert.equal(target.schema.default, "_any");
  const problem = doc.components.schemas.Problem;
  assert.deepEqual(problem.required.sort(), [
    "code",
    "detail",
    "details",
    "error",
    "status",
    "title",
    "type",
  ]);
});

const REQUESTS: Record<string, string> = {
  DnsUpdateRequest: "network.dns.update",
  PingRequest: "network.ping.do",
  CommandExecRequest: "command.exec.do",
  CommandShellRequest: "command.shell.do",
};

Deno.test("request schemas carry the operation table's fields and limits", async () => {
  await using api = await startTestApi({ workers: [] });
  const doc = (await api.admin.call("GET", "/openapi.json")).body as Json;
  const LIMITS = ["minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"];
  for (const [name, type] of Object.entries(REQUESTS)) {
    const schema = doc.components.schemas[name];
    const input = z.toJSONSchema(operationSpec(type)!.input, { io: "input" }) as Json;
    assert.equal(schema.additionalProperties, false, name);
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(input.properties).sort());
    assert.deepEqual((schema.required ?? []).sort(), [...(input.required ?? [])].sort(), name);
    for (const [field, f] of Object.entries(input.properties) as [string, Json][]) {
      const got = schema.properties[field];
      for (const key of [...LIMITS, "default", "maxProperties"]) {
        assert.equal(got[key], f[key], `${name}.${field}.${key}`);
      }
      for (const key of LIMITS) {
        assert.equal(got.items?.[key], f.items?.[key], `${name}.${field}[]`);
      }
    }
  }
  // the values the API and the worker used to disagree on
  const dns = doc.components.schemas.DnsUpdateRequest.properties.servers.items;
  assert.equal(dns.maxLength, 45);
  assert.equal(doc.components.schemas.CommandShellRequest.properties.command.maxLength, 65536);
  const iface = doc.paths["/network/dns/{interfaceName}"].get.parameters.find((p: Json) =>
    p.in === "path"
  );
  assert.equal(iface.schema.maxLength, 15);
  // who may see what, and what POST /job needs, is documented
  assert.equal(doc.components.schemas.JobDetail.properties.redacted.type, "boolean");
  assert.match(doc.components.schemas.JobDetail.properties.redacted.description, /permission/);
  assert.match(doc.paths["/job"].post.description, /`command\.shell\.do`: `command:execute`/);
  assert.match(doc.paths["/job/{id}/retry"].post.description, /permission/);
  assert.deepEqual(doc.paths["/network/ping"].post.security, [{ BearerAuth: ["network:write"] }]);
});

Deno.test("/openapi.json validates against the official OpenAPI 3.1 schema", async () => {
  await using api = await startTestApi({ workers: [] });
  const r = await api.admin.call("GET", "/openapi.json");
  const validator = new Validator();
  const result = await validator.validate(r.body as Json);
  assert.equal(validator.version, "3.1");
  assert.deepEqual(result, { valid: true }, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
  // The validator itself rejects a broken document (the check can fail).
  const broken = structuredClone(r.body as Json);
  delete broken.info;
  assert.equal((await new Validator().validate(broken)).valid, false);
});

Deno.test("the docs page lists every operation and loads nothing from elsewhere", async () => {
  await using api = await startTestApi({ workers: [] });
  const r = await api.admin.call("GET", "/docs");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type")!, /^text\/html/);
  const html = r.text;
  for (const [method, path] of EXPECTED) {
    const escaped = path.replace(/[{}]/g, (c) => `\\${c}`);
    assert.match(
      html,
      new RegExp(`>${method.toUpperCase()}</span> <code>${escaped}</code>`),
      `${method} ${path} missing from /docs`,
    );
  }
  assert.match(html, /Permission: <b>command:execute<\/b>/);
  assert.match(html, /Permission: <b>public<\/b>/);
  assert.ok(!/<script/i.test(html), "no scripts");
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), "no external resources");
});

Deno.test("the metrics path comes from telemetry.metrics.path", async () => {
  await using api = await startTestApi({
    raw: { telemetry: { metrics: { path: "/internal/prom" } } },
    workers: [],
  });
  const r = await api.admin.call("GET", "/internal/prom");
  assert.equal(r.status, 200);
  assert.match(r.text, /# TYPE osapi_http_requests_total counter/);
  assert.match(r.text, /# TYPE osapi_job_duration_seconds histogram/);
  const old = await fetch(`${api.url}/metrics`, {
    headers: { authorization: `Bearer ${api.admin.token}` },
  });
  await old.body?.cancel();
  assert.equal(old.status, 404);
  const read = await api.as({ roles: ["read"] });
  assert.equal((await read.call("GET", "/internal/prom")).status, 200);
  const audit = await api.as({ permissions: ["audit:read"] });
  assert.equal((await audit.call("GET", "/internal/prom")).status, 403);
});
