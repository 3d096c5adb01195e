/**
 * The journal providers: parsing of canned `journalctl -o json` output, the argv (checked by the
 * real journalctl on a root whose journal directory holds only an unreadable placeholder: no
 * journald runs here to write a real journal file, and no tool on this machine makes one), and
 * the per-host error of a host without a journal.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import logEntries from "../../../src/worker/providers/log_entries.ts";
import logSources from "../../../src/worker/providers/log_sources.ts";
import logUnit from "../../../src/worker/providers/log_unit.ts";
import {
  entriesArgs,
  parseJournal,
  parseJournalLine,
} from "../../../src/worker/providers/log_journal.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";
import { testContext } from "./ctx.ts";

const CANNED = [
  JSON.stringify({
    __REALTIME_TIMESTAMP: "1767225600123456",
    _SYSTEMD_UNIT: "nginx.service",
    SYSLOG_IDENTIFIER: "nginx",
    PRIORITY: "3",
    MESSAGE: "bind() failed",
    _PID: "812",
    _HOSTNAME: "web-01",
  }),
  JSON.stringify({
    __REALTIME_TIMESTAMP: "1767225601000001",
    SYSLOG_IDENTIFIER: "kernel",
    PRIORITY: "6",
    MESSAGE: [104, 105, 0, 255],
  }),
  "not json",
  JSON.stringify({ MESSAGE: "no timestamp" }),
  "",
].join("\n");

Deno.test("journalctl -o json lines become entries: time, unit, priority, message, pid", () => {
  const { entries, truncated } = parseJournal(CANNED);
  assert.equal(truncated, false);
  assert.deepEqual(entries, [
    {
      timestamp: "2026-01-01T00:00:00.123456Z",
      unit: "nginx.service",
      identifier: "nginx",
      priority: "err",
      message: "bind() failed",
      pid: 812,
      hostname: "web-01",
    },
    {
      timestamp: "2026-01-01T00:00:01.000001Z",
      identifier: "kernel",
      priority: "info",
      message: "hi\0\uFFFD",
    },
  ]);
  assert.equal(parseJournalLine("[1]"), undefined);
  // the newest entries are kept within the byte budget
  const many = Array.from(
    { length: 50 },
    (_, i) =>
      JSON.stringify({ __REALTIME_TIMESTAMP: String(1767225600000000 + i), MESSAGE: `m${i}` }),
  )
    .join("\n");
  const cut = parseJournal(many, 500);
  assert.equal(cut.truncated, true);
  assert.equal(cut.entries.at(-1)?.message, "m49");
  assert.ok(JSON.stringify(cut.entries).length <= 500);
});

Deno.test("a host without journal files answers a clear error", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    for (
      const run of [
        () => logEntries.run(logEntries.validate({}), ctx),
        () => logSources.run({}, ctx),
      ]
    ) {
      await assert.rejects(run(), /no systemd journal on this host/);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  // the live system: its journal's sources, or (as here, without journald) the same error
  const live = await logSources.run({}, testContext(undefined, "/")).then(
    (r) => r.sources,
    (e: Error) => e.message,
  );
  if (typeof live === "string") assert.match(live, /no systemd journal on this host/);
  else assert.ok(Array.isArray(live));
});

Deno.test("the real journalctl takes osapi's arguments on a root's journal directory", async () => {
  if (!await findOnPath("journalctl")) {
    console.log("skipped: journalctl is not installed");
    return;
  }
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    // journalctl skips this placeholder as corrupt: the query runs and finds nothing
    await Deno.mkdir(`${root}/var/log/journal`, { recursive: true });
    await Deno.writeFile(`${root}/var/log/journal/system.journal`, new Uint8Array(4096));
    const ctx = testContext(undefined, root);
    for (
      const since of [
        "1h",
        "30 min",
        "2 days ago",
        "today",
        "yesterday",
        "@1767225600",
        "2026-01-01",
        "2026-01-01 10:00",
        "2026-01-01 10:00:00",
      ]
    ) {
      const input = logUnit.validate({ name: "nginx.service", since, priority: "err", lines: 5 });
      assert.deepEqual(await logUnit.run(input, ctx), { entries: [] }, since);
    }
    assert.deepEqual(await logEntries.run(logEntries.validate({}), ctx), { entries: [] });
    assert.deepEqual(await logSources.run({}, ctx), { sources: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("log input is validated: lines, since, priority, unit names; values stay one argument", () => {
  assert.deepEqual(logEntries.validate({}), { lines: 100 });
  const bad: [Record<string, unknown>, string][] = [
    [{ lines: 0 }, "lines"],
    [{ lines: 10001 }, "lines"],
    [{ since: "--all" }, "since"],
    [{ since: "1h; rm" }, "since"],
    [{ since: "" }, "since"],
    [{ since: "2026-01-01T10:00" }, "since"],
    [{ priority: "error" }, "priority"],
  ];
  for (const [input, field] of bad) {
    assert.throws(
      () => logEntries.validate(input),
      (e: Error) => e instanceof OperationInputError && e.field === field,
      JSON.stringify(input),
    );
  }
  for (const name of ["-x", "--all", "a b", "nginx*", ".x", "../x", "a/b", ""]) {
    assert.throws(
      () => logUnit.validate({ name }),
      (e: Error) => e instanceof OperationInputError && e.field === "name",
      name,
    );
  }
  assert.deepEqual(entriesArgs({ name: "getty@tty1.service", since: "1h", lines: 3 }).slice(2), [
    "--lines=3",
    "--since=1h ago",
    "--unit=getty@tty1.service",
  ]);
});
