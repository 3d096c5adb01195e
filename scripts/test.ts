/**
 * The whole test suite, as the README and CI run it: formatting, lint and type checks, then
 * every test under tests/ against real nats-server processes; ends with `N passed, N failed`.
 * Extra arguments are passed to `deno test` (e.g. a file filter).
 */
import { ensureDevChromium } from "./dev_chromium.ts";
import { ensureDevNatsCli, ensureDevNatsServer, ensureDevNsc } from "./dev_nats.ts";

const deno = Deno.execPath();

async function step(name: string, args: string[], env: Record<string, string> = {}) {
  console.error(`== ${name}: deno ${args.join(" ")}`);
  const r = await new Deno.Command(deno, { args, env, stdout: "inherit", stderr: "inherit" })
    .output();
  return r.success;
}

async function testStep(args: string[], env: Record<string, string>) {
  console.error(`== tests: deno ${args.join(" ")}`);
  const child = new Deno.Command(deno, { args, env, stdout: "piped", stderr: "inherit" }).spawn();
  let passed = 0;
  let failed = 0;
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    const text = decoder.decode(chunk, { stream: true });
    await Deno.stdout.write(chunk);
    tail = (tail + text).slice(-4096);
  }
  const status = await child.status;
  // deno test's summary: "ok | 12 passed (3 steps) | 0 failed" (colours stripped).
  // deno-lint-ignore no-control-regex
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const m = /(\d+) passed.*?\| (\d+) failed/.exec(plain);
  if (m) [passed, failed] = [Number(m[1]), Number(m[2])];
  if (!status.success && failed === 0) failed = 1;
  return { passed, failed, ok: status.success };
}

const nats = await ensureDevNatsServer();
const cli = await ensureDevNatsCli();
const nsc = await ensureDevNsc();
await ensureDevChromium();
const env: Record<string, string> = { NATS_SERVER_BIN: nats, NO_COLOR: "1" };
if (cli) env.NATS_CLI_BIN = cli;
if (nsc) env.NSC_BIN = nsc;
const gates = [
  await step("format", ["fmt", "--check"]),
  await step("lint", ["lint"]),
  await step("types", ["check", "main.ts", "scripts/", "src/", "tests/"]),
  // The dashboard's sources use the DOM library: checked as a program of their own.
  await step("types (ui)", ["check", "ui/"]),
];
const filter = Deno.args.length > 0 ? Deno.args : ["tests/"];
const t = await testStep(["test", "-A", "--no-check", ...filter], env);
const gateFailures = gates.filter((g) => !g).length;
console.log(`${t.passed} passed, ${t.failed + gateFailures} failed`);
Deno.exit(t.ok && gateFailures === 0 ? 0 : 1);
