/**
 * The process providers: /proc parsing on canned files under a temporary root, the live
 * `/proc` (read only), and signals sent to the test's own `sleep` children (root "/").
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import processGet from "../../../src/worker/providers/process_get.ts";
import processList from "../../../src/worker/providers/process_list.ts";
import processSignal from "../../../src/worker/providers/process_signal.ts";
import { listProcesses, parseStat } from "../../../src/worker/providers/process_table.ts";
import { processGone, testContext } from "./ctx.ts";

/** A root with a canned /proc: boot at 1700000000, up 1000 s, 2 processes. */
async function cannedRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  const proc = `${root}/proc`;
  await Deno.mkdir(`${root}/etc`, { recursive: true });
  await Deno.writeTextFile(`${root}/etc/passwd`, "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/x\n");
  await Deno.mkdir(proc, { recursive: true });
  await Deno.writeTextFile(`${proc}/uptime`, "1000.00 1900.00\n");
  await Deno.writeTextFile(`${proc}/stat`, "cpu  1 2 3\nbtime 1700000000\n");
  await Deno.writeTextFile(`${proc}/meminfo`, "MemTotal:       1000000 kB\n");
  const proc1 = async (pid: number, stat: string, uid: number, rssKb: number, cmd: string) => {
    await Deno.mkdir(`${proc}/${pid}`);
    await Deno.writeTextFile(`${proc}/${pid}/stat`, stat);
    await Deno.writeTextFile(
      `${proc}/${pid}/status`,
      `Name:\tx\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nVmRSS:\t   ${rssKb} kB\n`,
    );
    await Deno.writeTextFile(`${proc}/${pid}/cmdline`, cmd);
  };
  // utime 3000 + stime 2000 ticks = 50 s of CPU over 500 s alive (started at tick 50000)
  const tail = (state: string, ut: number, st: number, start: number) =>
    `${state} 1 1 1 0 -1 0 0 0 0 0 ${ut} ${st} 0 0 20 0 1 0 ${start} 100 200 0\n`;
  await Deno.mkdir(`${proc}/self`);
  await proc1(
    42,
    `42 (web (worker) 1) ${tail("S", 3000, 2000, 50000)}`,
    33,
    10000,
    "nginx\0-g\0x\0",
  );
  await proc1(7, `7 (kthreadd) ${tail("I", 0, 0, 0)}`, 0, 0, "");
  return root;
}

Deno.test("process list and get read the root's /proc: name, user, state, cpu, memory, command", async () => {
  const root = await cannedRoot();
  try {
    const ctx = testContext(undefined, root);
    const { processes } = await processList.run(processList.validate({}), ctx);
    assert.deepEqual(processes.map((p) => p.pid), [7, 42]);
    assert.deepEqual(processes[1], {
      pid: 42,
      name: "web (worker) 1",
      user: "web",
      state: "sleeping",
      cpu_percent: 10,
      mem_percent: 1,
      mem_rss: 10000 * 1024,
      command: "nginx -g x",
      start_time: "2023-11-14T22:21:40Z",
    });
    assert.deepEqual(
      [processes[0].name, processes[0].user, processes[0].state, processes[0].command],
      ["kthreadd", "root", "idle", "[kthreadd]"],
    );
    const cut = await listProcesses(root, 300);
    assert.deepEqual([cut.processes.map((p) => p.pid), cut.truncated], [[7], true]);
    const { process } = await processGet.run(processGet.validate({ pid: 42 }), ctx);
    assert.equal(process.command, "nginx -g x");
    await assert.rejects(
      processGet.run({ pid: 99 }, ctx),
      (e: Error) => e instanceof OperationInputError && /no process with pid 99/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a root without /proc is a clear error; signals are refused off the live root", async () => {
  const ctx = testContext();
  await assert.rejects(processList.run({}, ctx), /no \/proc on this host/);
  await assert.rejects(
    processSignal.run({ pid: 1234, signal: "TERM" }, ctx),
    /signals are live-only: this worker's root is \/nonexistent\/osapi-test-root, not \//,
  );
});

Deno.test("process input is validated: pid range, the signal allow-list", () => {
  for (const pid of [0, -1, 1.5, "12", 4194305]) {
    assert.throws(
      () => processGet.validate({ pid }),
      (e: Error) => e instanceof OperationInputError && e.field === "pid",
      String(pid),
    );
  }
  for (const signal of ["STOP", "SIGTERM", "term", "9", "", "-9"]) {
    assert.throws(
      () => processSignal.validate({ pid: 5, signal }),
      (e: Error) =>
        e instanceof OperationInputError && e.field === "signal" &&
        /TERM, KILL, HUP, INT, USR1, USR2/.test(e.message),
      signal,
    );
  }
  assert.equal(parseStat("garbage"), undefined);
});

Deno.test("the live /proc lists the test process; signals reach the test's own child", async () => {
  const ctx = testContext(undefined, "/");
  const { processes } = await processList.run({}, ctx);
  const self = processes.find((p) => p.pid === Deno.pid);
  assert.ok(self, "the test process is listed");
  assert.ok(self.mem_rss > 0);

  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const { process } = await processGet.run({ pid: child.pid }, ctx);
    assert.equal(process.name, "sleep");
    assert.match(process.command, /(^|\/)sleep 30$/);
    assert.deepEqual(await processSignal.run({ pid: child.pid, signal: "TERM" }, ctx), {
      pid: child.pid,
      signal: "TERM",
      changed: true,
    });
    const status = await child.status;
    assert.equal(status.signal, "SIGTERM");
    assert.ok(await processGone(child.pid));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  await assert.rejects(processSignal.run({ pid: 1, signal: "TERM" }, ctx), /pid 1/);
  await assert.rejects(
    processSignal.run({ pid: Deno.pid, signal: "KILL" }, ctx),
    /the worker itself/,
  );
});
