/**
 * The architecture of `src/` holds (no folder cycles, a pure core, api and worker apart, nothing
 * imports cli, the server knows nothing of jobs), and each rule fails when a forbidden import is
 * added to a small fixture graph.
 */
import * as assert from "node:assert/strict";
import {
  checkArchitecture,
  folderOf,
  type ImportGraph,
  parseSource,
  readImportGraph,
} from "./helpers/import_graph.ts";

/** A small graph that follows every rule. */
function fixture(): ImportGraph {
  const file = (imports: string[], usesDeno = false) => ({ imports, usesDeno });
  return {
    "log.ts": file([]),
    "core/job.ts": file(["zod"]),
    "core/targets.ts": file(["core/job.ts"]),
    "core/operations/mod.ts": file(["core/job.ts", "zod"]),
    "config/load.ts": file(["core/targets.ts", "yaml"], true),
    "nats_conf/conf_text.ts": file([]),
    "nats/subjects.ts": file(["config/load.ts", "core/targets.ts"]),
    "server/supervisor.ts": file(["nats/subjects.ts", "nats_conf/conf_text.ts", "log.ts"], true),
    "job/client.ts": file(["nats/subjects.ts", "core/job.ts", "@nats-io/jetstream"]),
    "worker/worker.ts": file(["job/client.ts", "core/operations/mod.ts"]),
    "api/app.ts": file(["core/job.ts", "hono"]),
    "runtime/mod.ts": file(["api/app.ts", "worker/worker.ts", "server/supervisor.ts"]),
    "cli/main.ts": file(["runtime/mod.ts", "cli/parse.ts"]),
    "cli/parse.ts": file([]),
  };
}

/** The fixture with one more import of `from`. */
function withEdge(from: string, spec: string, graph = fixture()): ImportGraph {
  const src = graph[from] ?? { imports: [], usesDeno: false };
  return { ...graph, [from]: { ...src, imports: [...src.imports, spec] } };
}

function assertFails(graph: ImportGraph, pattern: RegExp): void {
  const problems = checkArchitecture(graph);
  assert.ok(
    problems.some((p) => pattern.test(p)),
    `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`,
  );
}

Deno.test("src/ follows the architecture rules", async () => {
  const graph = await readImportGraph();
  assert.ok(Object.keys(graph).length > 50, "the import graph of src/ was read");
  assert.ok("core/targets.ts" in graph, "src/core exists");
  assert.deepEqual(checkArchitecture(graph), []);
});

Deno.test("the fixture graph follows the rules", () => {
  assert.deepEqual(checkArchitecture(fixture()), []);
});

Deno.test("a folder cycle fails", () => {
  assertFails(
    withEdge("config/load.ts", "nats/subjects.ts"),
    /folder cycle between .*config.*nats/,
  );
  // through the root pseudo-folder too
  assertFails(withEdge("log.ts", "server/supervisor.ts"), /folder cycle between root, server/);
});

Deno.test("core importing I/O fails", () => {
  assertFails(withEdge("core/job.ts", "nats/subjects.ts"), /core imports outside core/);
  assertFails(withEdge("core/job.ts", "@nats-io/transport-node"), /package other than zod/);
  assertFails(withEdge("core/job.ts", "npm:yaml@2"), /package other than zod/);
  assertFails(withEdge("core/job.ts", "node:fs"), /core imports a node module/);
  const g = fixture();
  g["core/job.ts"] = { ...g["core/job.ts"], usesDeno: true };
  assertFails(g, /core uses Deno APIs: core\/job.ts/);
});

Deno.test("config importing another folder than core fails", () => {
  assertFails(withEdge("config/load.ts", "log.ts"), /config imports another folder/);
});

Deno.test("the nats_conf leaf importing a folder fails", () => {
  assertFails(withEdge("nats_conf/conf_text.ts", "nats/subjects.ts"), /nats_conf \(a leaf\)/);
});

Deno.test("api and worker importing each other fails", () => {
  assertFails(withEdge("api/app.ts", "worker/worker.ts"), /api and worker import each other/);
  assertFails(withEdge("worker/worker.ts", "api/app.ts"), /api and worker import each other/);
});

Deno.test("the api importing an implementation instead of an interface fails", () => {
  for (const spec of ["job/client.ts", "nats/subjects.ts", "@nats-io/jetstream"]) {
    assertFails(withEdge("api/app.ts", spec), /api imports an implementation/);
  }
});

Deno.test("importing cli fails", () => {
  assertFails(withEdge("runtime/mod.ts", "cli/parse.ts"), /nothing may import cli/);
});

Deno.test("server importing job code fails", () => {
  for (const spec of ["job/client.ts", "worker/worker.ts", "api/app.ts", "runtime/mod.ts"]) {
    assertFails(withEdge("server/supervisor.ts", spec), /server imports job code/);
  }
  assertFails(
    withEdge("server/supervisor.ts", "core/operations/mod.ts"),
    /server imports job code/,
  );
});

Deno.test("sources are parsed into resolved specifiers, comments ignored", () => {
  const text = [
    '/** see `import { x } from "../api/app.ts"` */',
    'import { a } from "./b.ts";',
    'import type {\n  C,\n  D,\n} from "../core/job.ts";',
    'export { e } from "../nats/subjects.ts";',
    'export * from "./all.ts";',
    'import * as z from "zod";',
    'import def, { f } from "node:fs";',
    'const m = await import("../log.ts");',
    '// from "../cli/main.ts"',
    'const url = "nats://127.0.0.1"; Deno.env.get("X");',
  ].join("\n");
  const src = parseSource("server/x.ts", text);
  assert.deepEqual(src.imports, [
    "core/job.ts",
    "log.ts",
    "nats/subjects.ts",
    "node:fs",
    "server/all.ts",
    "server/b.ts",
    "zod",
  ]);
  assert.equal(src.usesDeno, true);
  assert.equal(parseSource("core/y.ts", "// Deno.exit()\nexport const y = 1;").usesDeno, false);
  assert.equal(folderOf("log.ts"), "root");
  assert.equal(folderOf("core/operations/mod.ts"), "core");
});
