import assert from "node:assert/strict";
import {
  childEnv,
  findOnPath,
  MAX_OUTPUT_BYTES,
  runProcess,
} from "../../../src/worker/providers/process.ts";
import { OperationInputError } from "../../../src/core/job.ts";
import { processGone } from "./ctx.ts";

Deno.test("runProcess: stdout, stderr, exit code and duration of a real process", async () => {
  const r = await runProcess({
    argv: ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"],
    timeoutMs: 10_000,
  });
  assert.equal(r.stdout, "out\n");
  assert.equal(r.stderr, "err\n");
  assert.equal(r.exit_code, 3);
  assert.equal(r.signal, null);
  assert.equal(r.timed_out, false);
  assert.equal(r.stdout_truncated, false);
  assert.ok(Number.isInteger(r.duration_ms) && r.duration_ms >= 0);
});

Deno.test("runProcess: no shell, arguments reach the program verbatim", async () => {
  const r = await runProcess({ argv: ["printf", "%s|", "a b", "$HOME", ";x"], timeoutMs: 10_000 });
  assert.equal(r.stdout, "a b|$HOME|;x|");
});

Deno.test("runProcess: output beyond the cap is dropped and reported, the process still ends", async () => {
  const r = await runProcess({
    argv: ["/bin/sh", "-c", "yes | head -c 5242880; echo tail >&2"],
    timeoutMs: 30_000,
  });
  assert.equal(r.exit_code, 0);
  assert.equal(r.stdout.length, MAX_OUTPUT_BYTES);
  assert.equal(r.stdout.slice(0, 4), "y\ny\n");
  assert.equal(r.stdout_truncated, true);
  assert.equal(r.stderr, "tail\n");
  assert.equal(r.stderr_truncated, false);
  const small = await runProcess({ argv: ["echo", "hello"], timeoutMs: 10_000, maxOutputBytes: 3 });
  assert.equal(small.stdout, "hel");
  assert.equal(small.stdout_truncated, true);
});

Deno.test("runProcess: the timeout kills the process and what it started", async () => {
  const started = performance.now();
  const r = await runProcess({
    argv: ["/bin/sh", "-c", "sleep 30 & echo $!; wait"],
    timeoutMs: 1000,
  });
  const took = performance.now() - started;
  assert.equal(r.timed_out, true);
  assert.equal(r.signal, "SIGTERM");
  assert.equal(r.exit_code, 143);
  assert.ok(took >= 1000 && took < 8000, `took ${took} ms`);
  const grandchild = Number(r.stdout.trim());
  assert.ok(grandchild > 0);
  assert.ok(await processGone(grandchild), `sleep ${grandchild} survived`);
});

Deno.test("runProcess: an abort kills the process and rejects with the reason", async () => {
  const ac = new AbortController();
  const pidFile = await Deno.makeTempFile();
  try {
    const timer = setTimeout(() => ac.abort(new Error("job cancelled")), 500);
    await assert.rejects(
      runProcess({
        argv: ["/bin/sh", "-c", `echo $$ > ${pidFile}; sleep 30`],
        timeoutMs: 60_000,
        signal: ac.signal,
      }),
      /job cancelled/,
    );
    clearTimeout(timer);
    const pid = Number((await Deno.readTextFile(pidFile)).trim());
    assert.ok(pid > 0 && await processGone(pid));
    // Already aborted: nothing is started.
    await assert.rejects(
      runProcess({ argv: ["true"], timeoutMs: 1000, signal: ac.signal }),
      /job cancelled/,
    );
  } finally {
    await Deno.remove(pidFile);
  }
});

Deno.test("runProcess: cwd and env reach the child; OSAPI_ settings do not", async () => {
  const dir = await Deno.makeTempDir();
  Deno.env.set("OSAPI_TEST_SECRET", "hunter2");
  try {
    const r = await runProcess({
      argv: ["/bin/sh", "-c", 'pwd; echo "$FOO"; echo "${OSAPI_TEST_SECRET:-unset}"'],
      cwd: dir,
      env: { FOO: "bar" },
      timeoutMs: 10_000,
    });
    assert.equal(r.stdout, `${await Deno.realPath(dir)}\nbar\nunset\n`);
    assert.equal(childEnv().OSAPI_TEST_SECRET, undefined);
    assert.equal(childEnv().PATH, Deno.env.get("PATH"));
  } finally {
    Deno.env.delete("OSAPI_TEST_SECRET");
    await Deno.remove(dir);
  }
});

Deno.test("runProcess: missing program, missing cwd and empty argv are input errors", async () => {
  await assert.rejects(
    runProcess({ argv: ["no-such-program-osapi"], timeoutMs: 1000 }),
    (e: unknown) =>
      e instanceof OperationInputError &&
      /command not found: no-such-program-osapi/.test(e.message),
  );
  await assert.rejects(
    runProcess({ argv: ["true"], cwd: "/no/such/dir", timeoutMs: 1000 }),
    (e: unknown) =>
      e instanceof OperationInputError && /\/no\/such\/dir does not exist/.test(e.message),
  );
  await assert.rejects(
    runProcess({ argv: ["true"], cwd: "/etc/hostname", timeoutMs: 1000 }),
    (e: unknown) => e instanceof OperationInputError && /is not a directory/.test(e.message),
  );
  await assert.rejects(
    runProcess({ argv: [], timeoutMs: 1000 }),
    (e: unknown) => e instanceof OperationInputError && /empty command/.test(e.message),
  );
});

Deno.test("findOnPath finds sh and not a missing program", async () => {
  assert.match((await findOnPath("sh")) ?? "", /\/sh$/);
  assert.equal(await findOnPath("no-such-program-osapi"), undefined);
});
