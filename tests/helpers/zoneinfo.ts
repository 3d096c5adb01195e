/** A small fake zoneinfo tree in a test root: files starting with the TZif magic. */

/** Writes `<root>/usr/share/zoneinfo/<zone>` for each zone, plus a non-zone file (leapseconds). */
export async function fakeZoneinfo(
  root: string,
  zones: readonly string[] = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"],
): Promise<void> {
  for (const zone of zones) {
    const path = `${root}/usr/share/zoneinfo/${zone}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, "TZif2\0\0\0 fake zone data for tests\n");
  }
  await Deno.writeTextFile(`${root}/usr/share/zoneinfo/leapseconds`, "# not a zone\n");
}
