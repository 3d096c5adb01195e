/**
 * The HTTP client of the osapi API (used by `osapi client ...`): base URL and bearer token,
 * JSON in and out, and problem details turned into {@link ApiProblemError}.
 */
import type { Problem } from "./problem.ts";
import { errorMessage, OsapiError } from "../core/errors.ts";

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Bearer token (omit for the public health paths). */
  token?: string;
  /** Request timeout in milliseconds (default 120 s). */
  timeoutMs?: number;
}

/** A non-2xx answer; `message` is the problem detail. */
export class ApiProblemError extends OsapiError {
  constructor(readonly status: number, readonly problem: Partial<Problem>, text: string) {
    super("client.problem", problem.detail ?? (text.trim() || `HTTP ${status}`));
  }
}

/** The API could not be reached at all. */
export class ApiConnectionError extends OsapiError {
  constructor(url: string, cause: unknown) {
    super("client.unreachable", `cannot reach the osapi API at ${url}: ${errorMessage(cause)}`, {
      cause,
    });
  }
}

/** A successful answer. */
export interface ApiResponse<T = unknown> {
  status: number;
  contentType: string;
  /** Parsed JSON for JSON bodies, else the text. */
  body: T;
  text: string;
}

/** Query values; undefined ones are left out. */
export type Query = Record<string, string | number | undefined>;

/** Talks to one osapi API. */
export class ApiClient {
  readonly url: string;

  constructor(private readonly opts: ApiClientOptions) {
    this.url = opts.url.replace(/\/+$/, "");
  }

  /** Sends a request; throws ApiProblemError for non-2xx answers. */
  async request<T = unknown>(
    method: string,
    path: string,
    opts: { query?: Query; body?: unknown } = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(this.url + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    // a form (file upload) goes as multipart/form-data, anything else as JSON
    const form = opts.body instanceof FormData ? opts.body : undefined;
    if (opts.body !== undefined && !form) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 120_000),
      });
    } catch (e) {
      throw new ApiConnectionError(this.url, e);
    }
    const text = await res.text();
    const contentType = res.headers.get("content-type") ?? "";
    const isJson = /^application\/([a-z.+-]*\+)?json/i.test(contentType);
    let body: unknown = text;
    if (isJson && text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!res.ok && !(res.status === 503 && path.startsWith("/health"))) {
      throw new ApiProblemError(
        res.status,
        typeof body === "object" && body !== null ? body as Partial<Problem> : {},
        text,
      );
    }
    return { status: res.status, contentType, body: body as T, text };
  }

  /** GET returning the body. */
  async get<T = unknown>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>("GET", path, { query })).body;
  }

  /** POST returning the body. */
  async post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>("POST", path, { body, query })).body;
  }

  /** PUT returning the body. */
  async put<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>("PUT", path, { body, query })).body;
  }

  /** DELETE. */
  async delete(path: string): Promise<void> {
    await this.request("DELETE", path);
  }
}
