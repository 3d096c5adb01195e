/**
 * `osapi client ...`: the command-line client of the REST API. URL and token come from
 * `--url`/`--token`, else OSAPI_URL/OSAPI_TOKEN, else api.client.url and
 * api.client.security.bearer_token. `--json` prints the API's JSON; otherwise a table.
 * Problem answers print their detail and exit 1.
 */
import { adminTokenPath } from "../config/state_layout.ts";
import type { Config } from "../config/schema.ts";
import { apiClientUrl } from "../config/client_url.ts";
import type { Command } from "@commander-js/extra-typings";
import { ApiClient, ApiConnectionError, ApiProblemError, type ApiResponse } from "../api/client.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { rememberTokenLookup, unauthorizedHint } from "./hints.ts";
import { keyValues, type LayoutOptions, printJson, resultsTable, table } from "./client_output.ts";
import { type Collection, registerOperationCommands } from "./client_operations.ts";
import { OPERATIONS, type OperationTable } from "../core/operations/mod.ts";
import { registerFiles } from "./client_files.ts";

type Row = Record<string, unknown>;
type AnyCommand = Command<unknown[], Record<string, unknown>>;

/** Options every client command inherits from `osapi client`. */
interface ClientFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

/** The token `serve` wrote on this machine, if readable (a convenience for local use). */
async function readAdminToken(config: Config): Promise<string> {
  try {
    return (await Deno.readTextFile(adminTokenPath(config))).trim();
  } catch {
    return "";
  }
}

/**
 * The client for a command: flags, then environment, then configuration, then the admin token
 * `serve` wrote into the data directory of this machine.
 */
export async function clientFor(cmd: AnyCommand): Promise<{ api: ApiClient; json: boolean }> {
  const flags = cmd.optsWithGlobals() as ClientFlags;
  const { config } = await loadFromCli(cmd);
  const env = (name: string) => Deno.env.get(name) || undefined;
  const url = flags.url ?? env("OSAPI_URL") ?? apiClientUrl(config);
  const given = flags.token ?? env("OSAPI_TOKEN") ?? config.api.client.security.bearer_token;
  const token = given || await readAdminToken(config);
  rememberTokenLookup({
    given: !!given,
    adminTokenFile: adminTokenPath(config),
    fromFile: !!token && !given,
    url,
  });
  try {
    new URL(url);
  } catch {
    throw new CliError(`invalid API URL ${JSON.stringify(url)}`, EXIT_CONFIG);
  }
  return { api: new ApiClient({ url, token: token || undefined }), json: flags.json === true };
}

/** Runs an API call, turning API errors into CLI errors (exit 1). */
async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ApiProblemError) {
      throw new CliError(
        `${e.status} ${e.problem.title ?? "error"}: ${e.message}${unauthorizedHint(e.status)}`,
      );
    }
    if (e instanceof ApiConnectionError) throw new CliError(e.message);
    throw e;
  }
}

/** Prints per-host results; exits 1 when a host reported an error. */
function printCollection(body: Collection, json: boolean, layout: LayoutOptions = {}): void {
  if (json) printJson(body);
  else {
    console.log(resultsTable(body.results, layout));
    if (body.job_id) console.log(`\njob ${body.job_id}`);
  }
  if (body.results.some((r) => r.error)) Deno.exitCode = 1;
}

/** Prints command results like a local run: stdout/stderr as they are, per host headers. */
function printCommandResults(body: Collection, json: boolean): void {
  if (json) {
    printJson(body);
  } else {
    const many = body.results.length > 1;
    for (const r of body.results) {
      if (many) console.log(`== ${r.hostname} (exit ${r.exit_code ?? "?"}) ==`);
      if (typeof r.stdout === "string") Deno.stdout.writeSync(new TextEncoder().encode(r.stdout));
      if (typeof r.stderr === "string") Deno.stderr.writeSync(new TextEncoder().encode(r.stderr));
      if (r.error) console.error(`${r.hostname}: ${r.error}`);
    }
    if (body.results.length === 0) console.error("no host answered");
  }
  const codes = body.results.map((r) => (r.error ? 1 : Number(r.exit_code ?? 0)));
  const worst = codes.find((c) => c !== 0);
  if (worst !== undefined || body.results.length === 0) Deno.exitCode = worst ?? 1;
}

const target = "-t, --target <target>";
const targetHelp = "_any, _all, a host name, or key:value";

interface JobDetail extends Row {
  id: string;
  status: string;
}

const jobRow = (j: JobDetail) => ({
  id: j.id,
  status: j.status,
  type: (j.operation as Row | undefined)?.type,
  target: j.target,
  created: j.created,
  submitter: j.submitter,
});

function parseData(text: string | undefined): Row {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v;
  } catch (e) {
    throw new CliError(`--data must be a JSON object: ${(e as Error).message}`, EXIT_CONFIG);
  }
}

const FINAL = new Set(["completed", "failed", "partial_failure"]);

function registerJob(client: Command): void {
  const job = client.command("job").description("the job queue");
  const submit = (api: ApiClient, o: { type: string; data?: string; target: string }) =>
    call(() =>
      api.post<{ job_id: string }>("/job", {
        operation: { type: o.type, data: parseData(o.data) },
        target_hostname: o.target,
      })
    );
  job.command("add").description("POST /job: submit without waiting")
    .requiredOption("--type <type>", "operation type, e.g. system.hostname.get")
    .option("--data <json>", "operation data as a JSON object")
    .option(target, targetHelp, "_any")
    .action(async (opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await submit(api, opts);
      if (json) printJson(body);
      else console.log(body.job_id);
    });
  job.command("run").description("submit and wait until the job finishes")
    .requiredOption("--type <type>", "operation type, e.g. system.hostname.get")
    .option("--data <json>", "operation data as a JSON object")
    .option(target, targetHelp, "_any")
    .option("--wait <seconds>", "longest wait", "60")
    .action(async (opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const created = await submit(api, opts);
      const deadline = Date.now() + Number(opts.wait) * 1000;
      let detail: JobDetail;
      do {
        detail = await call(() => api.get<JobDetail>(`/job/${created.job_id}`));
        if (FINAL.has(detail.status)) break;
        await new Promise((r) => setTimeout(r, 200));
      } while (Date.now() < deadline);
      if (json) printJson(detail);
      else {
        console.log(keyValues(jobRow(detail)));
        const responses = Object.values((detail.responses ?? {}) as Record<string, Row>);
        if (responses.length > 0) console.log("\n" + table(responses));
      }
      if (detail.status !== "completed") Deno.exitCode = 1;
    });
  job.command("list")
    .description("GET /job")
    .option("--status <status>", "submitted, processing, completed, failed, partial_failure")
    .option("--limit <n>", "page size", "20")
    .option("--offset <n>", "skip this many", "0")
    .action(async (opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() =>
        api.get<{ total_items: number; items: JobDetail[] }>("/job", {
          status: opts.status,
          limit: opts.limit,
          offset: opts.offset,
        })
      );
      if (json) printJson(body);
      else console.log(`${table(body.items.map(jobRow))}\n\n${body.total_items} job(s)`);
    });
  job.command("get")
    .description("GET /job/{id}")
    .argument("<id>", "job id")
    .action(async (id, _opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const detail = await call(() => api.get<JobDetail>(`/job/${encodeURIComponent(id)}`));
      if (json) printJson(detail);
      else {
        console.log(keyValues(jobRow(detail)));
        const responses = Object.values((detail.responses ?? {}) as Record<string, Row>);
        if (responses.length > 0) console.log("\n" + table(responses));
        const timeline = (detail.timeline ?? []) as Row[];
        if (timeline.length > 0) console.log("\n" + table(timeline));
      }
    });
  job.command("delete")
    .description("DELETE /job/{id}")
    .argument("<id>", "job id")
    .action(async (id, _opts, cmd) => {
      const { api } = await clientFor(cmd);
      await call(() => api.delete(`/job/${encodeURIComponent(id)}`));
      console.log(`deleted ${id}`);
    });
  job.command("retry")
    .description("POST /job/{id}/retry")
    .argument("<id>", "job id")
    .action(async (id, _opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() => api.post<Row>(`/job/${encodeURIComponent(id)}/retry`));
      if (json) printJson(body);
      else console.log(body.job_id);
    });
  job.command("status")
    .description("GET /job/status: job counts")
    .action(async (_opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() => api.get<Row>("/job/status"));
      if (json) printJson(body);
      else {
        console.log(keyValues({ total_jobs: body.total_jobs, dlq_count: body.dlq_count ?? "" }));
        console.log(keyValues(body.status_counts as Row));
      }
    });
  job.command("workers").description("live workers").command("list")
    .description("GET /job/workers")
    .action(async (_opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() => api.get<{ workers: Row[]; total: number }>("/job/workers"));
      if (json) printJson(body);
      else console.log(table(body.workers));
    });
}

async function printHealth(cmd: AnyCommand, path: string): Promise<void> {
  const { api, json } = await clientFor(cmd);
  const res: ApiResponse<Row> = await call(() => api.request<Row>("GET", path));
  if (json) printJson(res.body);
  else {
    const { components, streams, kv_buckets, jobs, nats, ...rest } = res.body;
    console.log(keyValues(rest));
    if (nats) console.log(keyValues({ nats }));
    if (components) {
      console.log(
        "\n" + table(
          Object.entries(components as Record<string, Row>).map(([name, c]) => ({
            component: name,
            ...c,
          })),
        ),
      );
    }
    if (streams) console.log("\n" + table(streams as Row[]));
    if (kv_buckets) console.log("\n" + table(kv_buckets as Row[]));
    if (jobs) console.log("\n" + keyValues(jobs as Row));
  }
  if (res.status >= 400) Deno.exitCode = 1;
}

function registerHealth(client: Command): void {
  const health = client.command("health").description("GET /health (liveness)")
    .action(async (_opts, cmd) => await printHealth(cmd as AnyCommand, "/health"));
  health.command("ready").description("GET /health/ready")
    .action(async (_opts, cmd) => await printHealth(cmd, "/health/ready"));
  health.command("status").description("GET /health/status")
    .action(async (_opts, cmd) => await printHealth(cmd, "/health/status"));
}

const auditColumns = [
  "timestamp",
  "user",
  "method",
  "path",
  "response_code",
  "duration_ms",
  "source_ip",
  "id",
];

function registerAudit(client: Command): void {
  const audit = client.command("audit").description("the API audit log");
  audit.command("list")
    .description("GET /audit (newest first)")
    .option("--limit <n>", "page size (1-100)", "20")
    .option("--offset <n>", "skip this many", "0")
    .action(async (opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() =>
        api.get<{ total_items: number; items: Row[] }>("/audit", {
          limit: opts.limit,
          offset: opts.offset,
        })
      );
      if (json) printJson(body);
      else console.log(`${table(body.items, auditColumns)}\n\n${body.total_items} entries`);
    });
  audit.command("get")
    .description("GET /audit/{id}")
    .argument("<id>", "entry id")
    .action(async (id, _opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() => api.get<{ entry: Row }>(`/audit/${encodeURIComponent(id)}`));
      if (json) printJson(body);
      else console.log(keyValues(body.entry));
    });
  audit.command("export")
    .description("GET /audit/export: every entry as JSON lines (--json: {items, total_items})")
    .action(async (_opts, cmd) => {
      const { api, json } = await clientFor(cmd);
      const body = await call(() =>
        api.get<{ total_items: number; items: Row[] }>("/audit/export")
      );
      if (json) return printJson(body);
      const lines = body.items.map((e) => JSON.stringify(e) + "\n").join("");
      Deno.stdout.writeSync(new TextEncoder().encode(lines));
    });
}

/** Registers `osapi client` and its command groups: the table's operations, jobs, health... */
export function registerClient(program: Command, operations: OperationTable = OPERATIONS): void {
  const client = program.command("client")
    .description("call the REST API (api.client.url; token from api.client.security.bearer_token)")
    .option(
      "--url <url>",
      "API base URL (default: $OSAPI_URL, then api.client.url, then api.server.host:port)",
    )
    .option("--token <token>", "bearer token (default: $OSAPI_TOKEN, then configuration)")
    .option("--json", "print the API's JSON instead of tables") as unknown as Command;
  registerOperationCommands(client, operations, {
    send: async (cmd, req) => {
      const { api, json } = await clientFor(cmd);
      const res = await call(() =>
        api.request<Collection>(req.method, req.path, { query: req.query, body: req.body })
      );
      return { body: res.body, json };
    },
    printCollection,
    printCommandResults,
  });
  registerJob(client);
  registerHealth(client);
  registerAudit(client);
  registerFiles(client, { clientFor, call });
  client.command("metrics")
    .description("GET /metrics (Prometheus text)")
    .action(async (_opts, cmd) => {
      const { api } = await clientFor(cmd);
      const { config } = await loadFromCli(cmd);
      const res = await call(() => api.request<string>("GET", config.telemetry.metrics.path));
      Deno.stdout.writeSync(new TextEncoder().encode(res.text));
    });
}
