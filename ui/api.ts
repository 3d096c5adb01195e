/// <reference lib="dom" />
/**
 * The dashboard's calls to the osapi REST API (same origin): the bearer token lives in
 * sessionStorage only (never in a URL, never logged), every call sends it, and a 401 signs out.
 */

const TOKEN_KEY = "osapi.dashboard.token";

/** The stored token, if signed in. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps the token for this browser session. */
export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Forgets the token. */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An API answer other than 2xx: the status and the problem's detail. */
export class ApiFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};

/** What to do when the API answers 401 (the session ended). */
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

/** Calls the API with the stored token (or `token`); returns the parsed JSON body. */
export async function api<T>(
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  const token = init.token ?? storedToken();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const res = await fetch(path, { ...init, headers, credentials: "omit", cache: "no-store" });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const detail = (body as { detail?: string } | undefined)?.detail ?? res.statusText;
    if (res.status === 401 && init.token === undefined) onUnauthorized();
    throw new ApiFailure(res.status, `${res.status}: ${detail}`);
  }
  return body as T;
}

/** `GET /security/token`: who the token is and what it may do. */
export interface Session {
  subject: string;
  roles: string[];
  permissions: string[];
}

/** Checks `token` with the API and returns its session. */
export function signIn(token: string): Promise<Session> {
  return api<Session>("/security/token", { token });
}

/** An agent of the fleet view. */
export interface Agent {
  hostname: string;
  labels: Record<string, string>;
  status: string;
  started: string;
  last_seen: string;
  version: string;
  running: number;
  facts?: Record<string, unknown>;
  conditions?: { type: string; status: string; reason?: string }[];
}

interface WorkerList {
  workers: Omit<Agent, "status">[];
  total: number;
}

/** One agent of `GET /api/agent` (the fields the dashboard shows). */
interface AgentInfo {
  hostname: string;
  labels: Record<string, string>;
  state: string;
  started_at: string;
  registered_at: string;
  version: string;
  running: number;
  os_info?: { distribution: string; version: string };
  kernel_version?: string;
  cpu_count?: number;
  memory?: { total: number; used: number };
  uptime?: string;
  conditions?: { type: string; status: boolean }[];
}

const GIB = 1024 ** 3;

/** An agent of `GET /api/agent` as the fleet shows it: its facts as short texts. */
function fleetAgent(a: AgentInfo): Agent {
  const facts: Record<string, unknown> = {};
  if (a.os_info) facts.os = `${a.os_info.distribution} ${a.os_info.version}`.trim();
  if (a.kernel_version) facts.kernel = a.kernel_version;
  if (a.cpu_count !== undefined) facts.cpus = a.cpu_count;
  if (a.memory) {
    facts.memory = `${(a.memory.used / GIB).toFixed(1)}/${(a.memory.total / GIB).toFixed(1)} GiB`;
  }
  if (a.uptime) facts.uptime = a.uptime;
  return {
    hostname: a.hostname,
    labels: a.labels,
    status: a.state === "Ready" ? "online" : a.state.toLowerCase(),
    started: a.started_at,
    last_seen: a.registered_at,
    version: a.version,
    running: a.running,
    facts,
    conditions: (a.conditions ?? []).filter((c) => c.status).map((c) => ({
      type: c.type,
      status: String(c.status),
    })),
  };
}

/**
 * The fleet: the agents of `GET /api/agent` (with facts, conditions, drain state), else the
 * live workers of `GET /job/workers` (an older API, or a token without `agent:read`). The one
 * place that knows where agents come from.
 */
export async function fetchAgents(): Promise<Agent[]> {
  let agents: Agent[];
  try {
    agents = (await api<{ agents: AgentInfo[] }>("/api/agent")).agents.map(fleetAgent);
  } catch {
    const list = await api<WorkerList>("/job/workers");
    agents = list.workers.map((w) => ({ ...w, status: "online" }));
  }
  return agents.sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** The parts of the OpenAPI document the dashboard reads. */
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** One operation of the OpenAPI document. */
export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string }[];
  security?: Record<string, string[]>[];
}

/** The API's OpenAPI document; an empty one when it cannot be read. */
export async function fetchDocument(): Promise<OpenApiDoc> {
  try {
    return await api<OpenApiDoc>("/openapi.json");
  } catch {
    return { paths: {} };
  }
}

/** The permissions an operation requires (from its security requirement). */
export function requiredPermissions(op: OpenApiOperation): string[] {
  return (op.security ?? []).flatMap((s) => Object.values(s).flat());
}

/** Drain and undrain paths (`.../{hostname}/drain`), when the API offers them. */
export function drainPaths(doc: OpenApiDoc): { drain: string; undrain: string } | undefined {
  const find = (verb: string) =>
    Object.keys(doc.paths).find((p) => p.endsWith(`/${verb}`) && /\{[^}]+\}/.test(p));
  const drain = find("drain");
  const undrain = find("undrain");
  return drain && undrain ? { drain, undrain } : undefined;
}

/** Fills a path template's single parameter, e.g. `/agent/{hostname}/drain`. */
export function fillPath(template: string, value: string): string {
  return template.replace(/\{[^}]+\}/, encodeURIComponent(value));
}
