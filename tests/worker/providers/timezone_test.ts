/** The time zone providers on a temporary root with a fake zoneinfo tree. */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import timezoneGet from "../../../src/worker/providers/timezone_get.ts";
import timezoneUpdate from "../../../src/worker/providers/timezone_update.ts";
import { utcOffset } from "../../../src/worker/providers/timezone_config.ts";
import { fakeZoneinfo } from "../../helpers/zoneinfo.ts";
import { testContext } from "./ctx.ts";

Deno.test("timezone update writes etc/timezone and the localtime link, once", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    await fakeZoneinfo(root);
    const ctx = testContext(undefined, root);
    assert.deepEqual(await timezoneGet.run({}, ctx), { timezone: "UTC", utc_offset: "+00:00" });
    const set = (timezone: string) =>
      timezoneUpdate.run(timezoneUpdate.validate({ timezone }), ctx);
    assert.deepEqual(await set("Asia/Kolkata"), { timezone: "Asia/Kolkata", changed: true });
    assert.equal(await Deno.readTextFile(`${root}/etc/timezone`), "Asia/Kolkata\n");
    assert.equal(await Deno.readLink(`${root}/etc/localtime`), "/usr/share/zoneinfo/Asia/Kolkata");
    assert.deepEqual(await timezoneGet.run({}, ctx), {
      timezone: "Asia/Kolkata",
      utc_offset: "+05:30",
    });
    assert.equal((await set("Asia/Kolkata")).changed, false);
    // a link pointing elsewhere is corrected even when the name file is right
    await Deno.remove(`${root}/etc/localtime`);
    await Deno.symlink("/usr/share/zoneinfo/UTC", `${root}/etc/localtime`);
    assert.equal((await set("Asia/Kolkata")).changed, true);
    assert.equal(await Deno.readLink(`${root}/etc/localtime`), "/usr/share/zoneinfo/Asia/Kolkata");
    // without a name file the link names the zone
    await Deno.remove(`${root}/etc/timezone`);
    assert.equal((await timezoneGet.run({}, ctx)).timezone, "Asia/Kolkata");

    for (const unknown of ["Mars/Olympus", "leapseconds", "Europe"]) {
      await assert.rejects(
        set(unknown),
        (e: Error) =>
          e instanceof OperationInputError && e.field === "timezone" &&
          /unknown time zone/.test(e.message),
        unknown,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("timezone names are validated strictly", () => {
  for (
    const bad of [
      "",
      "../etc/passwd",
      "/etc/passwd",
      "Europe/../UTC",
      "Europe//Berlin",
      "-u",
      "a b",
      "Europe/Berlin\n",
    ]
  ) {
    assert.throws(
      () => timezoneUpdate.validate({ timezone: bad }),
      (e: Error) => e instanceof OperationInputError && e.field === "timezone",
      JSON.stringify(bad),
    );
  }
  timezoneUpdate.validate({ timezone: "Etc/GMT+5" });
  timezoneUpdate.validate({ timezone: "America/Argentina/Buenos_Aires" });
});

Deno.test("utc offsets come from the runtime's zone data", () => {
  const winter = new Date("2026-01-15T12:00:00Z");
  const summer = new Date("2026-07-15T12:00:00Z");
  assert.equal(utcOffset("Europe/Berlin", winter), "+01:00");
  assert.equal(utcOffset("Europe/Berlin", summer), "+02:00");
  assert.equal(utcOffset("America/New_York", winter), "-05:00");
  assert.equal(utcOffset("UTC", winter), "+00:00");
  assert.equal(utcOffset("Mars/Olympus", winter), undefined);
});
