/**
 * Which operations of OSAPI's current API (`../shared/reference/osapi-head/openapi.yaml`) osapi
 * serves, by method and path template (parameter names ignored) in osapi's own OpenAPI
 * document. `deno run -A scripts/head_coverage.ts` prints the list; the README's
 * `head-coverage` block is {@link coverageMarkdown}'s output (see scripts/readme.ts).
 */
import { parse } from "yaml";
import { createApp } from "../src/api/app.ts";
import type { JobService } from "../src/core/job.ts";
import { configFromRaw } from "../src/config/load.ts";
import { silent } from "../src/log.ts";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "patch"];

/** Where the reference document is looked for (a checkout beside `shared/`, then /work). */
export const REFERENCE_CANDIDATES = [
  new URL("../../shared/reference/osapi-head/openapi.yaml", import.meta.url),
  new URL("file:///work/shared/reference/osapi-head/openapi.yaml"),
];

/** One operation of the reference and whether osapi serves it. */
export interface CoverageRow {
  method: string;
  path: string;
  /** The reference's operationId ("" where it has none, e.g. GET /api/version). */
  operationId: string;
  served: boolean;
}

/** `{name}` parameters as `{}`: templates that differ only in parameter names match. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, "{}");

/** The operations (method + path) of an OpenAPI document's `paths`. */
function operations(doc: Json): { method: string; path: string; operationId: string }[] {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op) out.push({ method, path, operationId: String(op.operationId ?? "") });
    }
  }
  return out;
}

/** The reference's operations, each marked served when osapi's document has it. */
export function coverage(reference: Json, osapi: Json): CoverageRow[] {
  const served = new Set(operations(osapi).map((o) => `${o.method} ${shape(o.path)}`));
  return operations(reference).map((o) => ({
    ...o,
    served: served.has(`${o.method} ${shape(o.path)}`),
  }));
}

/** osapi's OpenAPI document, from an app on the shipped operation table (no backend). */
export function osapiDocument(): Json {
  const config = configFromRaw({
    api: { server: { security: { signing_key: "coverage-key-0123456789abcdef0123456789" } } },
  });
  const app = createApp({ config, jobs: {} as JobService, log: silent });
  return app.document() as unknown as Json;
}

/** The reference document, or undefined when it is not on this machine. */
export function referenceDocument(): Json | undefined {
  for (const url of REFERENCE_CANDIDATES) {
    try {
      return parse(Deno.readTextFileSync(url)) as Json;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return undefined;
}

/** The coverage as a Markdown summary line and table (served first, then the rest). */
export function coverageMarkdown(rows: CoverageRow[]): string {
  const served = rows.filter((r) => r.served);
  const lines = [
    `osapi serves ${served.length} of the ${rows.length} operations of OSAPI's current API.`,
    "",
    "| served | method | path | operationId |",
    "|---|---|---|---|",
  ];
  const order = [...served, ...rows.filter((r) => !r.served)];
  for (const r of order) {
    lines.push(
      `| ${r.served ? "yes" : "no"} | ${r.method.toUpperCase()} | \`${r.path}\` | ${
        r.operationId || "-"
      } |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const reference = referenceDocument();
  if (!reference) {
    console.error(`osapi-head/openapi.yaml not found (${REFERENCE_CANDIDATES.join(", ")})`);
    Deno.exit(1);
  }
  console.log(coverageMarkdown(coverage(reference, osapiDocument())));
}
