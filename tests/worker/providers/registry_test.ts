import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { loadProviders } from "../../../src/worker/providers/mod.ts";

Deno.test("every provider refuses a non-object and an unknown field", async () => {
  for (const p of (await loadProviders()).values()) {
    for (const bad of ["x", 1, [], { no_such_field: 1 }]) {
      assert.throws(() => p.validate(bad), OperationInputError, `${p.type} ${JSON.stringify(bad)}`);
    }
  }
});
