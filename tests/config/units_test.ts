import assert from "node:assert/strict";
import { formatDuration, parseDuration, parseSize } from "../../src/config/units.ts";

Deno.test("durations", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("2m"), 120_000);
  assert.equal(parseDuration("24h"), 86_400_000);
  assert.equal(parseDuration("7d"), 604_800_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("0"), 0);
  for (const bad of ["", "30", "s", "1x", "1h 30m", "-1s", "1h30"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
  assert.equal(formatDuration(5_400_000), "1h30m");
  assert.equal(formatDuration(500), "500ms");
  assert.equal(formatDuration(0), "0s");
});

Deno.test("sizes", () => {
  assert.equal(parseSize("1048576"), 1_048_576);
  assert.equal(parseSize("100MB"), 100_000_000);
  assert.equal(parseSize("1GiB"), 1_073_741_824);
  assert.equal(parseSize("50 MiB"), 52_428_800);
  assert.equal(parseSize("1.5K"), 1536);
  for (const bad of ["", "MB", "1XB", "-5"]) assert.equal(parseSize(bad), undefined, bad);
});
