/**
 * Debian's Chromium driven by playwright-core for end-to-end tests: headless, no sandbox (tests
 * run as root), no background networking, a fresh profile directory removed on dispose.
 */
import { type BrowserContext, chromium } from "playwright-core";
import { CHROMIUM_PATH } from "../../scripts/dev_chromium.ts";

/** Where the test task installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = CHROMIUM_PATH;

/** Flags that keep Chromium from calling home or using the GPU. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** True when Chromium is installed. */
export function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** A browser context on a fresh profile. */
export interface TestBrowser {
  context: BrowserContext;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts Chromium with a fresh `--user-data-dir`. */
export async function startBrowser(): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "osapi-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60_000,
  });
  return {
    context,
    [Symbol.asyncDispose]: async () => {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
