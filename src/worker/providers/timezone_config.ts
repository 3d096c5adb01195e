/**
 * The time zone of a root: `<root>/etc/timezone` (Debian's name file) and the
 * `<root>/etc/localtime` link to `/usr/share/zoneinfo/<zone>`; zones are checked against
 * `<root>/usr/share/zoneinfo` (a TZif file must be there).
 */
import { OperationInputError } from "../../core/job.ts";
import { readTextIfExists, rootPath, serialized, writeTextAtomic } from "./root.ts";

/** Where zone files are, relative to a root (and the link target of /etc/localtime). */
export const ZONEINFO = "usr/share/zoneinfo";

/** The zone named by `<root>/etc/timezone`, else by the `/etc/localtime` link, else "UTC". */
export async function readTimezone(root: string): Promise<string> {
  const named = (await readTextIfExists(rootPath(root, "etc/timezone")))?.trim();
  if (named) return named;
  const link = await linkTarget(rootPath(root, "etc/localtime"));
  const at = link?.indexOf("zoneinfo/") ?? -1;
  return link && at >= 0 ? link.slice(at + "zoneinfo/".length) : "UTC";
}

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await Deno.readLink(path);
  } catch {
    return undefined;
  }
}

/** The UTC offset of `zone` at `at` ("+05:30", "+00:00"), or undefined for a zone ICU lacks. */
export function utcOffset(zone: string, at = new Date()): string | undefined {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at).find((p) => p.type === "timeZoneName")?.value;
    if (!name) return undefined;
    return name === "GMT" ? "+00:00" : name.replace(/^GMT/, "");
  } catch {
    return undefined;
  }
}

/** Refuses a zone without a TZif file in `<root>/usr/share/zoneinfo`. */
export async function checkZone(root: string, zone: string): Promise<void> {
  const path = rootPath(root, ZONEINFO, zone);
  let magic = "";
  try {
    const f = await Deno.open(path);
    try {
      const buf = new Uint8Array(4);
      if (await f.read(buf) === 4) magic = new TextDecoder().decode(buf);
    } finally {
      f.close();
    }
  } catch {
    // missing or unreadable: not a zone
  }
  if (magic !== "TZif") {
    throw new OperationInputError(
      `unknown time zone ${JSON.stringify(zone)} (no zone file in /${ZONEINFO} on this host)`,
      "timezone",
    );
  }
}

/**
 * Makes `zone` the root's time zone: the name file and the localtime link (replaced
 * atomically). Returns whether either changed.
 */
export function writeTimezone(root: string, zone: string): Promise<boolean> {
  return serialized(`timezone:${root}`, async () => {
    const nameFile = rootPath(root, "etc/timezone");
    const localtime = rootPath(root, "etc/localtime");
    const target = `/${ZONEINFO}/${zone}`;
    const nameChanged = (await readTextIfExists(nameFile))?.trim() !== zone;
    const linkChanged = await linkTarget(localtime) !== target;
    if (nameChanged) await writeTextAtomic(nameFile, `${zone}\n`);
    if (linkChanged) {
      const tmp = `${localtime}.osapi-tmp-${crypto.randomUUID()}`;
      await Deno.symlink(target, tmp);
      await Deno.rename(tmp, localtime).catch(async (e) => {
        await Deno.remove(tmp).catch(() => {});
        throw e;
      });
    }
    return nameChanged || linkChanged;
  });
}
