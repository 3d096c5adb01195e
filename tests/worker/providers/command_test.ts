import assert from "node:assert/strict";
import { commandExec } from "../../../src/worker/providers/command_exec.ts";
import { commandShell } from "../../../src/worker/providers/command_shell.ts";
import { MAX_OUTPUT_BYTES } from "../../../src/worker/providers/process.ts";
import { OperationInputError } from "../../../src/core/job.ts";
import { testContext } from "./ctx.ts";

Deno.test("command.exec.do: echo hi", async () => {
  const input = commandExec.validate({ argv: ["echo", "hi"] });
  assert.deepEqual(input, { argv: ["echo", "hi"], timeout: 30 });
  const r = await commandExec.run(input, testContext());
  assert.equal(r.stdout, "hi\n");
  assert.equal(r.stderr, "");
  assert.equal(r.exit_code, 0);
  assert.equal(r.changed, true);
  assert.equal(r.timed_out, false);
  assert.equal(typeof r.duration_ms, "number");
  assert.equal(commandExec.kind, "modify");
});

Deno.test("command.exec.do: OSAPI's command + args form, false exits 1, no shell expansion", async () => {
  const f = await commandExec.run(commandExec.validate({ command: "false" }), testContext());
  assert.equal(f.exit_code, 1);
  const r = await commandExec.run(
    commandExec.validate({ command: "echo", args: ["$HOME", "|", "x"], cwd: "/tmp" }),
    testContext(),
  );
  assert.equal(r.stdout, "$HOME | x\n");
});

Deno.test("command.exec.do: timeout kills sleep 10 after 1 s", async () => {
  const started = performance.now();
  const r = await commandExec.run(
    commandExec.validate({ argv: ["sleep", "10"], timeout: 1 }),
    testContext(),
  );
  const took = performance.now() - started;
  assert.equal(r.timed_out, true);
  assert.notEqual(r.exit_code, 0);
  assert.ok(took >= 1000 && took < 5000, `took ${took} ms`);
});

Deno.test("command.exec.do: the job's abort signal stops the command", async () => {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 300);
  const started = performance.now();
  await assert.rejects(
    commandExec.run(commandExec.validate({ argv: ["sleep", "10"] }), testContext(ac.signal)),
    (e: unknown) => e instanceof DOMException && e.name === "AbortError",
  );
  clearTimeout(timer);
  assert.ok(performance.now() - started < 5000);
});

Deno.test("command.exec.do: a missing program is an input error", async () => {
  await assert.rejects(
    commandExec.run(commandExec.validate({ argv: ["no-such-program-osapi"] }), testContext()),
    OperationInputError,
  );
});

Deno.test("command.shell.do: pipes, env, exit code and output cap", async () => {
  const r = await commandShell.run(
    commandShell.validate({
      command: 'echo "$GREETING" | tr a-z A-Z; exit 4',
      env: { GREETING: "hi" },
    }),
    testContext(),
  );
  assert.equal(r.stdout, "HI\n");
  assert.equal(r.exit_code, 4);
  assert.equal(r.changed, true);
  const big = await commandShell.run(
    commandShell.validate({ command: "yes | head -c 5M" }),
    testContext(),
  );
  assert.equal(big.stdout.length, MAX_OUTPUT_BYTES);
  assert.equal(big.stdout_truncated, true);
  assert.equal(big.exit_code, 0);
});

Deno.test("command.shell.do: timeout", async () => {
  const r = await commandShell.run(
    commandShell.validate({ command: "sleep 10", timeout: 1 }),
    testContext(),
  );
  assert.equal(r.timed_out, true);
});

function bad(validate: (d: unknown) => unknown, data: unknown, message: RegExp) {
  assert.throws(
    () => validate(data),
    (e: unknown) => e instanceof OperationInputError && message.test(e.message),
    `expected ${message} for ${JSON.stringify(data)?.slice(0, 80)}`,
  );
}

Deno.test("command.exec.do: every bad input is an OperationInputError", () => {
  const v = (d: unknown) => commandExec.validate(d);
  bad(v, undefined, /missing required field "argv" \(or "command"\)/);
  bad(v, "ls", /input must be an object/);
  bad(v, { argv: [] }, /argv must have at least 1 item/);
  bad(v, { argv: [""] }, /argv\[0\] must not be empty/);
  bad(v, { argv: "ls -l" }, /argv must be an array of strings/);
  bad(v, { argv: ["ls", 3] }, /argv\[1\] must be a string/);
  bad(v, { argv: ["x".repeat(5000)] }, /argv\[0\] is too long/);
  bad(v, { argv: Array(300).fill("a") }, /argv has too many items/);
  bad(v, { command: "" }, /command must not be empty/);
  bad(v, { argv: ["ls"], command: "ls" }, /either argv or command\/args, not both/);
  bad(v, { argv: ["ls"], timeout: 0 }, /timeout must be between 1 and 300 \(got 0\)/);
  bad(v, { argv: ["ls"], timeout: 301 }, /timeout must be between 1 and 300/);
  bad(v, { argv: ["ls"], timeout: "5" }, /timeout must be an integer/);
  bad(v, { argv: ["ls"], cwd: "tmp" }, /cwd "tmp" does not match/);
  bad(v, { argv: ["ls"], env: { "A-B": "1" } }, /env key "A-B" does not match/);
  bad(v, { argv: ["ls"], env: { A: 1 } }, /env\.A must be a string/);
  bad(v, { argv: ["ls"], shell: true }, /unknown field "shell"/);
});

Deno.test("command.shell.do: every bad input is an OperationInputError", () => {
  const v = (d: unknown) => commandShell.validate(d);
  bad(v, {}, /missing required field "command"/);
  bad(v, { command: "" }, /command must not be empty/);
  bad(v, { command: ["ls"] }, /command must be a string/);
  bad(v, { command: "x".repeat(70000) }, /command is too long \(70000 characters, at most 65536\)/);
  bad(v, { command: "ls", timeout: 1000 }, /timeout must be between 1 and 300/);
  bad(v, { command: "ls", args: ["x"] }, /unknown field "args"/);
});
