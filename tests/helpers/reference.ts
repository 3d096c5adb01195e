/**
 * OSAPI's current API document (`../shared/reference/osapi-head/openapi.yaml`, OpenAPI 3.0):
 * checks a response body against the schema the reference declares for an operation id and
 * status, so osapi's answers are shown to be what OSAPI's own clients read.
 */
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

type Json = Record<string, unknown>;

const CANDIDATES = [
  new URL("../../../shared/reference/osapi-head/openapi.yaml", import.meta.url),
  new URL("file:///work/shared/reference/osapi-head/openapi.yaml"),
];

const escapePointer = (s: string) =>
  encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"));

/** Validates bodies against the reference document's response schemas. */
export class ReferenceDocument {
  readonly #ajv: Ajv;
  readonly #ops = new Map<string, { path: string; method: string; op: Json }>();

  constructor(readonly doc: Json) {
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(this.#ajv);
    this.#ajv.addSchema({ ...doc, $id: "reference" });
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        const id = (op as Json)?.operationId;
        if (typeof id === "string") this.#ops.set(id, { path, method, op: op as Json });
      }
    }
  }

  /** The method and path template of `operationId`; throws when the reference lacks it. */
  route(operationId: string): { method: string; path: string } {
    const o = this.#ops.get(operationId);
    if (!o) throw new Error(`the reference has no operation ${operationId}`);
    return { method: o.method, path: o.path };
  }

  /** The validator of component schema `name`; throws when the reference lacks it. */
  component(name: string): { (body: unknown): boolean; errors?: unknown } {
    const validate = this.#ajv.getSchema(`reference#/components/schemas/${escapePointer(name)}`);
    if (!validate) throw new Error(`the reference has no schema ${name}`);
    return validate;
  }

  /** The errors of `validate`'s last run as text. */
  errorsText(validate: { errors?: unknown }): string {
    // deno-lint-ignore no-explicit-any
    return this.#ajv.errorsText(validate.errors as any);
  }

  /** Throws unless `body` matches the reference's `status` response of `operationId`. */
  check(operationId: string, status: number, body: unknown): void {
    const { path, method, op } = this.#ops.get(operationId) ??
      (() => {
        throw new Error(`the reference has no operation ${operationId}`);
      })();
    const responses = op.responses as Json;
    if (!responses[String(status)]) {
      throw new Error(
        `${operationId}: the reference declares no ${status} response (has ${
          Object.keys(responses).join(", ")
        })`,
      );
    }
    const pointer = ["paths", path, method, "responses", String(status), "content"]
      .map(escapePointer).join("/");
    const validate = this.#ajv.getSchema(`reference#/${pointer}/application~1json/schema`);
    if (!validate) throw new Error(`cannot compile the reference schema at ${pointer}`);
    if (!validate(body)) {
      throw new Error(
        `${operationId} ${status}: body does not match the reference: ${
          this.#ajv.errorsText(validate.errors)
        }\n${JSON.stringify(body).slice(0, 2000)}`,
      );
    }
  }
}

/** Throws unless `body` matches the reference's component schema `name` (e.g. ErrorResponse). */
export function checkComponent(ref: ReferenceDocument, name: string, body: unknown): void {
  const validate = ref.component(name);
  if (!validate(body)) {
    throw new Error(
      `body does not match the reference's ${name}: ${ref.errorsText(validate)}\n${
        JSON.stringify(body).slice(0, 2000)
      }`,
    );
  }
}

let loaded: Promise<ReferenceDocument | undefined> | undefined;

/**
 * The reference document, or undefined (with a printed reason) when it is not on this machine.
 * Loaded once per test process.
 */
export function referenceDocument(): Promise<ReferenceDocument | undefined> {
  loaded ??= (async () => {
    for (const url of CANDIDATES) {
      try {
        return new ReferenceDocument(parse(await Deno.readTextFile(url)) as Json);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    console.log(
      `skipping reference checks: osapi-head/openapi.yaml not found (${
        CANDIDATES.map((c) => c.pathname).join(", ")
      })`,
    );
    return undefined;
  })();
  return loaded;
}

/** Checks an error body against the reference's ErrorResponse when the document is present. */
export async function checkErrorResponse(body: unknown): Promise<void> {
  const ref = await referenceDocument();
  if (ref) checkComponent(ref, "ErrorResponse", body);
}

/** Checks `body` against the reference when the document is present (else does nothing). */
export async function checkReference(
  operationId: string,
  status: number,
  body: unknown,
): Promise<void> {
  (await referenceDocument())?.check(operationId, status, body);
}
