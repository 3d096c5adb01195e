/**
 * Calls of OSAPI's node domains (`/api/node/{hostname}/...`) for end-to-end tests: answers
 * checked against osapi's document (by the caller) and OSAPI's reference, and 400 problems.
 */
import assert from "node:assert/strict";
import type { TestApi } from "./api.ts";
import type { ApiCaller } from "./openapi.ts";
import { checkReference } from "./reference.ts";

/** One item of a node answer. */
export type Item = Record<string, unknown>;

/** `keys` of every item, as rows sorted by their text (hosts answer in any order). */
export function pick(items: Item[], ...keys: string[]): unknown[][] {
  return items.map((i) => keys.map((k) => i[k])).sort((a, b) => String(a).localeCompare(String(b)));
}

/**
 * Calls `method /api/node/<path>` as admin, expects `status` (default 200), checks the body
 * against the reference's response of `operationId`, and returns its results.
 */
export async function nodeCall(
  api: TestApi,
  method: string,
  path: string,
  operationId: string,
  body?: unknown,
  status = 200,
): Promise<Item[]> {
  const r = await api.admin.call(method, `/api/node/${path}`, body ? { body } : {});
  assert.equal(r.status, status, r.text);
  await checkReference(operationId, status, r.body);
  return r.body.results as Item[];
}

/** Asserts that `method /api/node/<path>` answers a 400 problem whose detail matches. */
export async function nodeProblem(
  api: TestApi,
  method: string,
  path: string,
  body: unknown,
  detail: RegExp,
): Promise<void> {
  const r = await api.admin.call(method, `/api/node/${path}`, body ? { body } : {});
  assert.equal(r.status, 400, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.match(r.body.detail, detail);
}

/** The multipart form of `POST /api/file` uploading `content` as `name`. */
function form(name: string, content: string): FormData {
  const f = new FormData();
  f.set("name", name);
  f.set("file", new Blob([content]), name);
  return f;
}

/** Uploads `content` as file `name` of the object store (`POST /api/file<query>`). */
export async function upload(caller: ApiCaller, name: string, content: string, query = "") {
  return await caller.call("POST", `/api/file${query}`, { body: form(name, content) });
}
