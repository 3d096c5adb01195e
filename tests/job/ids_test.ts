import assert from "node:assert/strict";
import { isJobId, uuidv7, uuidv7Time } from "../../src/job/ids.ts";

Deno.test("uuidv7 ids carry version 7, the variant and their creation time", () => {
  const now = Date.UTC(2026, 4, 1, 12, 0, 0);
  const id = uuidv7(now);
  assert.ok(isJobId(id));
  assert.equal(id[14], "7");
  assert.match(id[19], /[89ab]/);
  assert.equal(uuidv7Time(id), now);
});

Deno.test("uuidv7 ids made in one process sort in creation order, even in one millisecond", () => {
  const ids = Array.from({ length: 5000 }, () => uuidv7());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  const frozen = Array.from({ length: 100 }, () => uuidv7(1_800_000_000_000));
  assert.deepEqual([...frozen].sort(), frozen);
});

Deno.test("isJobId refuses what is not a lower-case hyphenated uuid", () => {
  for (const bad of ["", "x", "0190C0DE-0000-7000-8000-000000000000", "jobs.>", "a".repeat(36)]) {
    assert.equal(isJobId(bad), false, bad);
  }
});
