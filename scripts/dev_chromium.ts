/**
 * Development fallback for the test task: makes sure Debian's Chromium is at /usr/bin/chromium
 * for the dashboard's browser tests, installing it with apt-get when missing. Without apt (or
 * when the install fails) it says why and the browser test skips itself.
 */

/** Where the browser tests expect Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** Returns true when Chromium is (now) installed. */
export async function ensureDevChromium(log = (m: string) => console.error(m)): Promise<boolean> {
  if (await exists(CHROMIUM_PATH)) return true;
  if (!(await exists("/usr/bin/apt-get"))) {
    log(`chromium: ${CHROMIUM_PATH} missing and apt-get unavailable: browser tests will skip`);
    return false;
  }
  log("chromium: installing Debian's chromium (apt-get install -y chromium)");
  const ok = await run("apt-get", ["update"]) &&
    await run("apt-get", ["install", "-y", "chromium"]);
  if (!ok || !(await exists(CHROMIUM_PATH))) {
    log("chromium: apt-get install chromium failed: browser tests will skip");
    return false;
  }
  return true;
}
