/**
 * OSAPI's agent routes: `GET /api/agent`, `/api/agent/{hostname}`, drain and undrain,
 * enrollment (`/api/agent/pending`, accept, reject) and `GET /api/facts/keys`. Everything goes
 * through the agent service port.
 */
import { z } from "@hono/zod-openapi";
import { FACT_KEYS } from "../../core/agent.ts";
import type { ApiApp, AppDeps } from "../context.ts";
import type { AgentService } from "../ports.ts";
import { ApiError } from "../problem.ts";
import { securedRoute } from "../route.ts";
import { callerSubject } from "../run_job.ts";

const Condition = z.object({
  type: z.enum(["MemoryPressure", "HighLoad", "DiskPressure"]),
  status: z.boolean(),
  reason: z.string().optional(),
  last_transition_time: z.string().openapi({ description: "when the status last changed" }),
}).openapi("NodeCondition");

const Interface = z.object({
  name: z.string(),
  ipv4: z.string().optional(),
  ipv6: z.string().optional(),
  mac: z.string().optional(),
  family: z.enum(["inet", "inet6", "dual"]).optional(),
}).openapi("AgentInterface");

const AgentInfo = z.object({
  machine_id: z.string().optional().openapi({ description: "/etc/machine-id" }),
  fingerprint: z.string().openapi({
    description: "always empty: osapi has no agent PKI (agents are NATS users)",
  }),
  hostname: z.string(),
  status: z.enum(["Ready", "NotReady"]),
  state: z.enum(["Ready", "Draining", "Cordoned", "Pending"]).openapi({
    description: "scheduling state: Draining while a drained agent still runs jobs, then Cordoned",
  }),
  labels: z.record(z.string(), z.string()),
  registered_at: z.string().openapi({ description: "last heartbeat (ISO 8601)" }),
  started_at: z.string(),
  version: z.string(),
  running: z.number().int().openapi({ description: "jobs running at the last heartbeat" }),
  os_info: z.object({ distribution: z.string(), version: z.string() }).optional(),
  uptime: z.string().optional(),
  load_average: z.object({ "1min": z.number(), "5min": z.number(), "15min": z.number() })
    .optional(),
  memory: z.object({
    total: z.number().int(),
    free: z.number().int(),
    used: z.number().int(),
  }).optional().openapi({ description: "bytes" }),
  architecture: z.string().optional(),
  kernel_version: z.string().optional(),
  cpu_count: z.number().int().optional(),
  fqdn: z.string().optional(),
  service_mgr: z.string().optional(),
  package_mgr: z.string().optional(),
  interfaces: z.array(Interface).optional(),
  primary_interface: z.string().optional().openapi({
    description: "interface of the default route",
  }),
  routes: z.array(
    z.object({
      destination: z.string(),
      gateway: z.string(),
      interface: z.string(),
      mask: z.string().openapi({ description: "CIDR suffix, e.g. /24" }),
      metric: z.number().int(),
      flags: z.string(),
    }).openapi("AgentRoute"),
  ).optional().openapi({ description: "IPv4 routes" }),
  facts: z.record(z.string(), z.unknown()).optional().openapi({
    description: "further facts: collected_at, cpu_model, uptime_seconds, disk {total, used}",
  }),
  conditions: z.array(Condition).optional(),
}).openapi("AgentInfo");

const ListAgents = z.object({
  agents: z.array(AgentInfo),
  total: z.number().int(),
}).openapi("ListAgentsResponse");

const ListPending = z.object({
  agents: z.array(
    z.object({
      machine_id: z.string(),
      hostname: z.string(),
      fingerprint: z.string().openapi({ description: "always empty (no agent PKI)" }),
      requested_at: z.string().openapi({ description: "when the agent's worker started" }),
    }).openapi("PendingAgentInfo"),
  ),
  total: z.number().int(),
}).openapi("ListPendingAgentsResponse");

const FingerprintQuery = z.object({
  fingerprint: z.string().max(255).optional().openapi({
    param: { name: "fingerprint", in: "query" },
    description: "OSAPI's PKI fingerprint: refused (osapi has no agent PKI; accept by hostname)",
  }),
});

const Message = z.object({ message: z.string() }).openapi("AgentMessageResponse");

const FactKeys = z.object({
  keys: z.array(z.object({ key: z.string(), description: z.string(), builtin: z.boolean() })),
}).openapi("FactKeysResponse");

/** A host name: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const HostnameParam = z.object({
  hostname: z.string().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: "hostname must be a host name: letters, digits, . _ - (starting with a letter or " +
      "digit)",
  }).openapi({ param: { name: "hostname", in: "path" }, example: "web-01" }),
});

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });
const TAGS = ["Agent"];

function service(deps: AppDeps): AgentService {
  if (!deps.agents) throw new ApiError(503, "agent service unavailable");
  return deps.agents;
}

/** Registers the agent and fact routes on `app` (paths under `/api`). */
export function registerAgentRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    securedRoute("agent:read", {
      method: "get",
      path: "/api/agent",
      operationId: "getAgents",
      tags: TAGS,
      summary: "Live agents with their facts, conditions and scheduling state",
      responses: { 200: { description: "live agents", ...json(ListAgents) } },
    }),
    async (c) => {
      const agents = await service(deps).list();
      return c.json({ agents, total: agents.length }, 200);
    },
  );

  // before /api/agent/{hostname}, which would match "pending"
  app.openapi(
    securedRoute("agent:read", {
      method: "get",
      path: "/api/agent/pending",
      operationId: "getAgentsPending",
      tags: TAGS,
      summary: "Live agents waiting for acceptance (none while nats.state.auto_accept is on)",
      responses: { 200: { description: "pending agents", ...json(ListPending) } },
    }),
    async (c) => {
      const agents = await service(deps).pending();
      return c.json({ agents, total: agents.length }, 200);
    },
  );

  app.openapi(
    securedRoute("agent:read", {
      method: "get",
      path: "/api/facts/keys",
      operationId: "GetFactKeys",
      tags: TAGS,
      summary: "The fact keys agents report",
      responses: { 200: { description: "fact keys", ...json(FactKeys) } },
    }),
    (c) => c.json({ keys: [...FACT_KEYS] }, 200),
  );

  app.openapi(
    securedRoute("agent:read", {
      method: "get",
      path: "/api/agent/{hostname}",
      operationId: "getAgentDetails",
      tags: TAGS,
      summary: "One live agent",
      request: { params: HostnameParam },
      responses: { 200: { description: "the agent", ...json(AgentInfo) } },
    }, [404]),
    async (c) => {
      const { hostname } = c.req.valid("param");
      const agent = await service(deps).get(hostname);
      if (!agent) throw new ApiError(404, `agent ${hostname} not found: no live worker has it`);
      return c.json(agent, 200);
    },
  );

  for (const drained of [true, false]) {
    const verb = drained ? "drain" : "undrain";
    app.openapi(
      securedRoute("agent:write", {
        method: "post",
        path: `/api/agent/{hostname}/${verb}`,
        operationId: drained ? "drainAgent" : "undrainAgent",
        tags: TAGS,
        summary: drained
          ? "Drain an agent: it takes no new jobs (_any, label, _all or its host); running " +
            "jobs finish"
          : "Undrain an agent: it takes jobs again",
        request: { params: HostnameParam },
        responses: { 200: { description: `${verb} done`, ...json(Message) } },
      }, [404, 409]),
      async (c) => {
        const { hostname } = c.req.valid("param");
        const result = await service(deps).setDrained(hostname, drained, callerSubject(c));
        if (result === "not_found") {
          throw new ApiError(404, `agent ${hostname} not found: no live worker has it`);
        }
        if (result === "unchanged") {
          throw new ApiError(409, `agent ${hostname} is ${drained ? "already" : "not"} drained`);
        }
        return c.json({ message: `agent ${hostname} ${drained ? "drained" : "undrained"}` }, 200);
      },
    );
  }

  for (const accept of [true, false]) {
    const verb = accept ? "accept" : "reject";
    app.openapi(
      securedRoute("agent:write", {
        method: "post",
        path: `/api/agent/{hostname}/${verb}`,
        operationId: accept ? "acceptAgent" : "rejectAgent",
        tags: TAGS,
        summary: accept
          ? "Accept a pending (or rejected) agent: it takes jobs"
          : "Reject a pending agent: it takes no jobs and leaves the agent lists",
        request: accept
          ? { params: HostnameParam, query: FingerprintQuery }
          : { params: HostnameParam },
        responses: { 200: { description: `agent ${verb}ed`, ...json(Message) } },
      }, [404]),
      async (c) => {
        const { hostname } = c.req.valid("param");
        if (accept && c.req.query("fingerprint")) {
          throw new ApiError(
            400,
            "query fingerprint: osapi has no agent PKI, so agents have no fingerprint; " +
              "accept by hostname",
          );
        }
        if (!(await service(deps).decide(hostname, accept, callerSubject(c)))) {
          throw new ApiError(404, `no pending agent ${hostname}`);
        }
        return c.json({ message: `agent ${hostname} ${verb}ed` }, 200);
      },
    );
  }
}
