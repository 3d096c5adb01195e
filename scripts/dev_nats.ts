/**
 * Development fallback for the README tasks (not the product's downloader): finds a
 * nats-server >= 2.11 for tests and local runs ($NATS_SERVER_BIN, PATH, $GOPATH/bin) and, when
 * none is there, builds the pinned version with `go install`.
 */

import { configFromRaw } from "../src/config/load.ts";
import {
  compareVersions,
  MIN_NATS_SERVER_VERSION,
  natsServerVersion,
} from "../src/server/binary.ts";

/** The nats-server version the project develops and tests against: the configured default. */
export const DEV_NATS_VERSION = configFromRaw({}).nats.server.version;

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const d = new TextDecoder();
    return { ok: r.success, out: d.decode(r.stdout) + d.decode(r.stderr) };
  } catch {
    return { ok: false, out: "" };
  }
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    return await natsServerVersion(bin);
  } catch {
    return undefined;
  }
}

async function gopathBin(): Promise<string | undefined> {
  const r = await run("go", ["env", "GOPATH"]);
  return r.ok ? `${r.out.trim().split("\n")[0]}/bin` : undefined;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isFile;
  } catch {
    return false;
  }
}

/** Returns the path of a usable nats-server, installing one with `go install` if needed. */
export async function ensureDevNatsServer(log = (m: string) => console.error(m)): Promise<string> {
  const candidates: string[] = [];
  const env = Deno.env.get("NATS_SERVER_BIN");
  if (env) candidates.push(env);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir) candidates.push(`${dir}/nats-server`);
  }
  const gobin = await gopathBin();
  if (gobin) candidates.push(`${gobin}/nats-server`);
  for (const c of candidates) {
    if (!(await isFile(c))) continue;
    const v = await versionOf(c);
    if (v && compareVersions(v, MIN_NATS_SERVER_VERSION) >= 0) return c;
    log(`skipping ${c}: version ${v ?? "unknown"} is older than ${MIN_NATS_SERVER_VERSION}`);
  }
  if (!gobin) {
    throw new Error(
      "no nats-server >= 2.11 found and Go is not installed: install Go, or put nats-server " +
        "on PATH, or set NATS_SERVER_BIN (Debian's nats-server package is 2.9: too old)",
    );
  }
  log(`installing nats-server v${DEV_NATS_VERSION} with go install ...`);
  const r = await run("go", ["install", `github.com/nats-io/nats-server/v2@v${DEV_NATS_VERSION}`]);
  if (!r.ok) throw new Error(`go install of nats-server failed:\n${r.out}`);
  return `${gobin}/nats-server`;
}

/** The official `nats` CLI version used to prove creds interoperability in tests. */
export const DEV_NATS_CLI_VERSION = "0.5.1";

/**
 * Best effort: the official `nats` CLI ($NATS_CLI_BIN, PATH, $GOPATH/bin, else `go install`).
 * Undefined when it cannot be had; the interoperability test then falls back to the v3 client.
 */
export async function ensureDevNatsCli(
  log = (m: string) => console.error(m),
): Promise<string | undefined> {
  const gobin = await gopathBin();
  const candidates = [
    Deno.env.get("NATS_CLI_BIN"),
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d).map((d) => `${d}/nats`),
    gobin ? `${gobin}/nats` : undefined,
  ];
  for (const c of candidates) if (c && (await isFile(c))) return c;
  if (!gobin) return undefined;
  log(`installing the nats CLI v${DEV_NATS_CLI_VERSION} with go install ...`);
  const r = await run("go", [
    "install",
    `github.com/nats-io/natscli/nats@v${DEV_NATS_CLI_VERSION}`,
  ]);
  if (!r.ok) {
    log(`go install of the nats CLI failed; interoperability is tested with the v3 client only`);
    return undefined;
  }
  return `${gobin}/nats`;
}

/** The nsc version the nsc import test runs against. */
export const DEV_NSC_VERSION = "2.15.0";

/**
 * nsc for the nsc import test ($NSC_BIN, PATH, $GOPATH/bin, else built from the Go module
 * proxy in a temp module: `go install` of nsc fails on its replace directives). Undefined when
 * it cannot be had; the test then fails under CI=true.
 */
export async function ensureDevNsc(
  log = (m: string) => console.error(m),
): Promise<string | undefined> {
  const gobin = await gopathBin();
  const candidates = [
    Deno.env.get("NSC_BIN"),
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d).map((d) => `${d}/nsc`),
    gobin ? `${gobin}/nsc` : undefined,
  ];
  for (const c of candidates) if (c && (await isFile(c))) return c;
  if (!gobin) return undefined;
  log(`building nsc v${DEV_NSC_VERSION} with go build ...`);
  const dir = await Deno.makeTempDir({ prefix: "osapi-nsc-build-" });
  try {
    const go = async (args: string[]) => {
      const r = await new Deno.Command("go", {
        args,
        cwd: dir,
        env: { GOFLAGS: "-mod=mod" },
        stdout: "piped",
        stderr: "piped",
      }).output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
      if (!r.success) {
        throw new Error(`go ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
      }
    };
    await Deno.mkdir(gobin, { recursive: true });
    await go(["mod", "init", "osapi-nsc-build"]);
    await go(["get", `github.com/nats-io/nsc/v2@v${DEV_NSC_VERSION}`]);
    await go(["build", "-o", `${gobin}/nsc`, "github.com/nats-io/nsc/v2"]);
    return `${gobin}/nsc`;
  } catch (e) {
    log(`building nsc failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  console.log(await ensureDevNatsServer());
}
