import assert from "node:assert/strict";
import { z } from "zod";
import { checkInput, defineOperation } from "../../src/core/operations/mod.ts";
import {
  bool,
  int,
  isHostName,
  isIpAddress,
  str,
  strList,
  strMap,
} from "../../src/core/operations/fields.ts";
import { OperationInputError } from "../../src/core/job.ts";

/** A test operation with one field of each kind the field builders make. */
function testOp(type: string, shape: z.ZodRawShape) {
  return defineOperation({
    type,
    kind: "query",
    permission: "system:read",
    summary: "test",
    input: z.strictObject(shape),
    result: z.looseObject({}),
    routes: [],
    cli: { command: ["test"] },
    provider: "none",
  });
}

const op = testOp("t.op", {
  name: str({ minLength: 1, maxLength: 5, pattern: /^[a-z]+$/ }),
  n: int({ min: 1, max: 10 }).default(3),
  flag: bool().optional(),
  list: strList(str({ maxLength: 3 }), { minItems: 1, maxItems: 2 }).optional(),
  env: strMap(str({ pattern: /^[A-Z]+$/, maxLength: 4 }), str({ maxLength: 3 }), {
    maxProperties: 1,
  }).optional(),
});
const noInput = testOp("system.x", {});

function rejects(data: unknown, message: RegExp) {
  assert.throws(
    () => checkInput(op, data),
    (e: unknown) => e instanceof OperationInputError && message.test(e.message),
    `expected ${message} for ${JSON.stringify(data)}`,
  );
}

Deno.test("checkInput accepts good input and fills defaults", () => {
  assert.deepEqual(checkInput(op, { name: "ab" }), { name: "ab", n: 3 });
  assert.deepEqual(
    checkInput(op, { name: "ab", n: 10, flag: true, list: ["x"], env: { A: "1" } }),
    { name: "ab", n: 10, flag: true, list: ["x"], env: { A: "1" } },
  );
});

Deno.test("checkInput names the operation and field of every bad input", () => {
  rejects("x", /^t\.op: input must be an object \(got "x"\)/);
  rejects([1], /input must be an object \(got an array\)/);
  rejects({}, /missing required field "name"/);
  rejects({ name: "ab", nope: 1 }, /unknown field "nope" \(allowed: name, n, flag, list, env\)/);
  rejects({ name: 5 }, /name must be a string \(got number 5\)/);
  rejects({ name: "" }, /name must not be empty/);
  rejects({ name: "abcdef" }, /name is too long \(6 characters, at most 5\)/);
  rejects({ name: "A1" }, /name "A1" does not match/);
  rejects({ name: "a\0" }, /NUL/);
  rejects({ name: "ab", n: 0 }, /n must be between 1 and 10 \(got 0\)/);
  rejects({ name: "ab", n: 11 }, /n must be between 1 and 10/);
  rejects({ name: "ab", n: 1.5 }, /n must be an integer/);
  rejects({ name: "ab", n: "3" }, /n must be an integer \(got "3"\)/);
  rejects({ name: "ab", flag: "yes" }, /flag must be a boolean/);
  rejects({ name: "ab", list: "x" }, /list must be an array of strings/);
  rejects({ name: "ab", list: [] }, /list must have at least 1 item/);
  rejects({ name: "ab", list: ["a", "b", "c"] }, /list has too many items \(3, at most 2\)/);
  rejects({ name: "ab", list: [1] }, /list\[0\] must be a string/);
  rejects({ name: "ab", list: ["abcd"] }, /list\[0\] is too long/);
  rejects({ name: "ab", env: [] }, /env must be an object of strings/);
  rejects({ name: "ab", env: { a: "1" } }, /env key "a" does not match/);
  rejects({ name: "ab", env: { A: 1 } }, /env\.A must be a string/);
  rejects({ name: "ab", env: { A: "1", B: "2" } }, /env has too many entries/);
});

Deno.test("noInput accepts nothing, null or {} and refuses any field", () => {
  assert.deepEqual(checkInput(noInput, undefined), {});
  assert.deepEqual(checkInput(noInput, null), {});
  assert.deepEqual(checkInput(noInput, {}), {});
  assert.throws(
    () => checkInput(noInput, { a: 1 }),
    (e: unknown) =>
      e instanceof OperationInputError &&
      /system\.x takes no input \(got field "a"\)/.test(e.message),
  );
});

Deno.test("IP addresses and host names; options and junk are neither", () => {
  for (const ip of ["127.0.0.1", "::1", "fe80::1", "2001:db8::8a2e:370:7334"]) {
    assert.ok(isIpAddress(ip), ip);
  }
  for (const name of ["localhost", "example.com", "a-b.example.org.", "x1"]) {
    assert.ok(isHostName(name), name);
  }
  for (const bad of ["-f", "--flood", "a b", "a;b", "a..b", "-a.com", "a-.com", "1.2.3.999", ""]) {
    assert.ok(!isIpAddress(bad) && !isHostName(bad), bad);
  }
  assert.ok(!isHostName("a".repeat(64) + ".com"));
  assert.ok(!isHostName(("a".repeat(60) + ".").repeat(5)));
});
