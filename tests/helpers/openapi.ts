/**
 * Checks real API responses against the API's own OpenAPI 3.1 document: the status must be
 * declared for the operation, the content type must be one it declares, and the body must
 * validate (ajv, JSON Schema 2020-12) against that response's schema.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Json = Record<string, unknown>;

const escapePointer = (s: string) =>
  encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"));

/** Validates responses against one OpenAPI document. */
export class OpenApiValidator {
  readonly #ajv: Ajv2020;
  readonly #templates: { template: string; regex: RegExp }[];

  constructor(readonly doc: Json) {
    if (doc.openapi !== "3.1.0") throw new Error(`not OpenAPI 3.1: ${doc.openapi}`);
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(this.#ajv);
    this.#ajv.addSchema({ ...doc, $id: "openapi" });
    this.#templates = Object.keys(doc.paths as Json).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }));
  }

  /**
   * The path template matching a concrete path (static templates win, then those serving
   * `method`, then those with fewer parameters: `/docker/pull` before `/docker/{id}`).
   */
  template(path: string, method?: string): string {
    const paths = this.doc.paths as Json;
    if (paths[path]) return path;
    const params = (t: string) => t.split("{").length;
    const serves = (t: string) => method !== undefined && method in (paths[t] as Json) ? 0 : 1;
    const hits = this.#templates.filter((t) => t.regex.test(path)).map((t) => t.template)
      .sort((a, b) => serves(a) - serves(b) || params(a) - params(b));
    if (hits.length === 0) throw new Error(`no OpenAPI path matches ${path}`);
    return hits[0];
  }

  /**
   * Asserts that `res` (already read into `body`) is a documented response of `method path`.
   * Returns the parsed body.
   */
  check(method: string, url: string, status: number, contentType: string, body: string): unknown {
    const path = new URL(url, "http://x").pathname;
    const m = method.toLowerCase();
    const template = this.template(path, m);
    const op = ((this.doc.paths as Json)[template] as Json)[m] as Json | undefined;
    if (!op) throw new Error(`${method} ${template} is not documented`);
    const response = (op.responses as Json)[String(status)] as Json | undefined;
    if (!response) {
      throw new Error(`${method} ${template}: status ${status} is not documented; body ${body}`);
    }
    const content = response.content as Json | undefined;
    if (!content) {
      if (body !== "") throw new Error(`${method} ${template} ${status}: expected no body`);
      return undefined;
    }
    const essence = contentType.split(";")[0].trim().toLowerCase();
    if (!content[essence]) {
      throw new Error(
        `${method} ${template} ${status}: content type ${essence} not in ${
          Object.keys(content).join(", ")
        }`,
      );
    }
    const pointer = [
      "paths",
      template,
      m,
      "responses",
      String(status),
      "content",
      essence,
      "schema",
    ]
      .map(escapePointer).join("/");
    const validate = this.#ajv.getSchema(`openapi#/${pointer}`);
    if (!validate) throw new Error(`cannot compile schema at ${pointer}`);
    const values = essence === "application/x-ndjson"
      ? body.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
      : essence.endsWith("json")
      ? [JSON.parse(body)]
      : [body];
    for (const v of values) {
      if (!validate(v)) {
        throw new Error(
          `${method} ${template} ${status}: body does not match the schema: ${
            this.#ajv.errorsText(validate.errors)
          }\n${body.slice(0, 2000)}`,
        );
      }
    }
    return essence === "application/x-ndjson" ? values : values[0];
  }
}

/** A response already read and checked. */
export interface CheckedResponse {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * An HTTP caller for tests: sends real requests to a running API server and checks every
 * response against the document.
 */
export class ApiCaller {
  constructor(
    readonly baseUrl: string,
    readonly validator: OpenApiValidator,
    readonly token?: string,
  ) {}

  /** A caller with another token (or none). */
  withToken(token: string | undefined): ApiCaller {
    return new ApiCaller(this.baseUrl, this.validator, token);
  }

  /** Sends a request; `body` objects are sent as JSON, strings and forms as they are. */
  async call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; raw?: boolean } = {},
  ): Promise<CheckedResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.token !== undefined && !("authorization" in headers)) {
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: BodyInit | undefined;
    if (
      typeof opts.body === "string" || opts.body instanceof Uint8Array ||
      opts.body instanceof FormData
    ) {
      body = opts.body as BodyInit;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    const parsed = this.validator.check(
      method,
      path,
      res.status,
      res.headers.get("content-type") ?? "",
      text,
    );
    return { status: res.status, headers: res.headers, text, body: parsed };
  }
}
