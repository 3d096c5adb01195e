/**
 * Walks OSAPI's current API document (`osapi-head/openapi.yaml`) and lists which of its
 * operations osapi serves (method and path in osapi's own `/openapi.json`); prints the list
 * and asserts a minimum set, so a served operation cannot silently go missing. The README's
 * coverage block is the same list (tests/docs/readme_test.ts checks it is up to date).
 */
import assert from "node:assert/strict";
import {
  coverage,
  coverageMarkdown,
  osapiDocument,
  referenceDocument,
} from "../../scripts/head_coverage.ts";
import { startTestApi } from "../helpers/api.ts";

/** Operations osapi must serve (by the reference's method and path). */
const MINIMUM: string[] = [
  // section 1: the API contract
  "GET /api/version",
  "GET /api/health",
  "GET /api/health/ready",
  "GET /api/health/status",
  "GET /api/job",
  "GET /api/job/{id}",
  "DELETE /api/job/{id}",
  "POST /api/job/{id}/retry",
  "GET /api/audit",
  "GET /api/audit/{id}",
  "GET /api/audit/export",
  // the older host operations at their current paths, and DNS delete
  "GET /api/node/{hostname}",
  "GET /api/node/{hostname}/disk",
  "GET /api/node/{hostname}/memory",
  "GET /api/node/{hostname}/load",
  "GET /api/node/{hostname}/os",
  "GET /api/node/{hostname}/uptime",
  "GET /api/node/{hostname}/hostname",
  "PUT /api/node/{hostname}/hostname",
  "POST /api/node/{hostname}/command/exec",
  "POST /api/node/{hostname}/command/shell",
  "POST /api/node/{hostname}/network/ping",
  "GET /api/node/{hostname}/network/dns/{interfaceName}",
  "PUT /api/node/{hostname}/network/dns",
  "DELETE /api/node/{hostname}/network/dns",
  // node domains served so far
  "GET /api/node/{hostname}/schedule/cron",
  "POST /api/node/{hostname}/schedule/cron",
  "GET /api/node/{hostname}/schedule/cron/{name}",
  "PUT /api/node/{hostname}/schedule/cron/{name}",
  "DELETE /api/node/{hostname}/schedule/cron/{name}",
  "GET /api/node/{hostname}/sysctl",
  "POST /api/node/{hostname}/sysctl",
  "GET /api/node/{hostname}/sysctl/{key}",
  "PUT /api/node/{hostname}/sysctl/{key}",
  "DELETE /api/node/{hostname}/sysctl/{key}",
  "GET /api/node/{hostname}/timezone",
  "PUT /api/node/{hostname}/timezone",
];

Deno.test("osapi serves the operations of OSAPI's current API listed in the README", async () => {
  const reference = referenceDocument();
  if (!reference) {
    console.log("skipping: osapi-head/openapi.yaml not found on this machine");
    return;
  }
  const rows = coverage(reference, osapiDocument());
  console.log(coverageMarkdown(rows));
  const served = new Set(
    rows.filter((r) => r.served).map((r) => `${r.method.toUpperCase()} ${r.path}`),
  );
  const all = new Set(rows.map((r) => `${r.method.toUpperCase()} ${r.path}`));
  for (const op of MINIMUM) {
    assert.ok(all.has(op), `${op} is not an operation of the reference`);
    assert.ok(served.has(op), `${op} is not served`);
  }
  // the document the coverage is computed from is the one a running server answers
  await using api = await startTestApi({ workers: [] });
  const live = (await api.admin.call("GET", "/openapi.json")).body;
  assert.deepEqual(coverage(reference, live), rows);
});
