/**
 * The dashboard end to end in a real browser (Debian's Chromium through playwright-core) on a
 * real `osapi serve` (supervised nats-server, worker for this host): sign in with a generated
 * token, see this host in the fleet and its status page, run `echo` on `_any` and see its
 * output, find the job in the list and open it, look at the audit and security pages, sign out;
 * then sign in with a read-only token and see only what it may use.
 * Screenshots of the main pages go to a temporary directory, printed at the end.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chromiumInstalled, startBrowser } from "../helpers/browser.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServe } from "../helpers/serve.ts";

const installed = chromiumInstalled();
if (!installed) console.error("dashboard_test: skipped: /usr/bin/chromium is not installed");

async function shot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

Deno.test({
  name:
    "dashboard in Chromium: sign in, fleet, host, run echo on _any, jobs, audit, security, sign out",
  ignore: !installed,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using s = await startServe();
    const gen = await runOsapi(
      ["token", "generate", "--roles", "admin", "--subject", "dashboard@example.com"],
      { env: s.env },
    );
    assert.equal(gen.code, 0, gen.stderr);
    const token = gen.stdout.trim();
    const host = Deno.hostname();
    const shots = await Deno.makeTempDir({ prefix: "osapi-dashboard-shots-" });

    await using browser = await startBrowser();
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    const requests: string[] = [];
    const console_: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => console_.push(m.text()));
    page.on("pageerror", (e) => console_.push(`pageerror: ${e.message}`));

    await page.goto(`${s.apiUrl}/ui`);
    await page.locator("#token").waitFor();
    await shot(page, shots, "signin");
    await page.fill("#token", token);
    await page.click("button[type=submit]");

    // Fleet: this host is an agent.
    const row = page.locator(`#fleet tr[data-host="${host}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /online/);
    assert.equal(await page.locator("#who-subject").innerText(), "dashboard@example.com");
    await shot(page, shots, "fleet");

    // The host's page: status with memory and disk bars.
    await row.locator("a").click();
    await page.locator(".cards .bar").first().waitFor();
    assert.match(await page.locator(".cards").innerText(), /Uptime[\s\S]*Memory[\s\S]*Disks/i);
    await shot(page, shots, "host");

    // Run echo on _any and see its output.
    await page.click('nav a[href="#/run"]');
    await page.fill("#run-command", "echo");
    await page.fill("#run-args", "hello-from-the-dashboard");
    await page.click("#run-submit");
    const out = page.locator("#run-results pre.stdout");
    await out.waitFor();
    assert.equal((await out.innerText()).trim(), "hello-from-the-dashboard");
    assert.match(await page.locator("#run-results").innerText(), new RegExp(host));
    await shot(page, shots, "run");

    // The job is in the list; its page shows the host's result and the timeline.
    await page.click('nav a[href="#/jobs"]');
    const job = page.locator("#jobs tbody tr", { hasText: "command.exec.do" }).first();
    await job.waitFor();
    assert.match(await job.innerText(), /completed/);
    await shot(page, shots, "jobs");
    await page.selectOption("#job-status", "failed");
    await page.locator("#jobs tbody", { hasText: "No jobs." }).waitFor();
    await page.selectOption("#job-status", "completed");
    await job.waitFor();
    await job.locator("a").click();
    await page.locator("#job-results pre.stdout", { hasText: "hello-from-the-dashboard" })
      .waitFor();
    assert.match(await page.locator(".timeline").innerText(), /completed/);
    await shot(page, shots, "job");

    // Audit and security pages.
    await page.click('nav a[href="#/audit"]');
    await page.locator("#audit tbody tr", { hasText: "/command/exec" }).first().waitFor();
    await shot(page, shots, "audit");
    await page.click('nav a[href="#/security"]');
    await page.locator("#security-mode").waitFor();
    assert.match(await page.locator("#security-mode").innerText(), /NATS auth mode/);
    await page.locator("#security-credentials", { hasText: "admin API token" }).waitFor();
    await shot(page, shots, "security");

    // Sign out: back to the sign-in form, nothing left in the session.
    await page.click("#sign-out");
    await page.locator("#token").waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);

    // A read-only token is offered only what it may do: no Run, Audit, Security, Retry.
    const readGen = await runOsapi(
      ["token", "generate", "--roles", "read", "--subject", "viewer@example.com"],
      { env: s.env },
    );
    assert.equal(readGen.code, 0, readGen.stderr);
    const readToken = readGen.stdout.trim();
    await page.fill("#token", readToken);
    await page.click("button[type=submit]");
    await row.waitFor();
    assert.deepEqual(await page.locator("header.top nav a").allInnerTexts(), ["Fleet", "Jobs"]);
    await page.click('nav a[href="#/jobs"]');
    await job.locator("a").click();
    await page.locator("#job-results").waitFor();
    assert.equal(await page.locator("button", { hasText: "Retry" }).count(), 0);
    assert.match(await page.locator(".facts").innerText(), /Redacted/);
    await page.evaluate(() => location.hash = "#/run");
    await page.locator(".notice", { hasText: "may not open this page" }).waitFor();
    await page.click("#sign-out");
    await page.locator("#token").waitFor();

    // The token was never in a URL or in the console; nothing was loaded from elsewhere.
    for (const t of [token, readToken]) {
      assert.ok(!requests.some((u) => u.includes(t)), "token in a request URL");
      assert.ok(!console_.some((m) => m.includes(t)), "token in the console");
    }
    assert.deepEqual(requests.filter((u) => !u.startsWith(s.apiUrl)), []);
    assert.deepEqual(console_.filter((m) => m.startsWith("pageerror")), []);
    console.log(`dashboard screenshots: ${shots}`);
  },
});
