import assert from "node:assert/strict";
import { configFromRaw } from "../../src/config/load.ts";
import { Logger, silent } from "../../src/log.ts";
import {
  type BinaryConfig,
  cachedBinaryPath,
  compareVersions,
  installNatsServer,
  MIN_NATS_SERVER_VERSION,
  NatsBinaryError,
  natsServerVersion,
  resolveNatsServer,
} from "../../src/server/binary.ts";
import { releasePlatform } from "../../src/server/download.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { freePort } from "../helpers/ports.ts";
import { startNatsRelease } from "../helpers/release_mirror.ts";

const platform = releasePlatform();
const realBin = await natsServerBin();
const realVersion = await natsServerVersion(realBin);

/** The binary-related server config for a mirror URL, built through the real schema. */
function serverConfig(downloadUrl: string, extra: Record<string, unknown> = {}): BinaryConfig {
  return configFromRaw({
    nats: { server: { download_url: downloadUrl, version: realVersion, ...extra } },
  }).nats.server;
}

/** A temp dir removed at the end of the test. */
async function tempDir(prefix: string) {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** A logger that keeps its lines. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("test", "debug", "text", (l) => lines.push(l)), lines };
}

/** A directory holding a fake `nats-server` script that prints `nats-server: v<version>`. */
async function fakeNatsServerDir(dir: string, version: string): Promise<string> {
  const bin = `${dir}/fakebin`;
  await Deno.mkdir(bin);
  await Deno.writeTextFile(
    `${bin}/nats-server`,
    `#!/bin/sh\necho "nats-server: v${version}"\n`,
    { mode: 0o755 },
  );
  await Deno.chmod(`${bin}/nats-server`, 0o755);
  return bin;
}

/** Asserts nothing was cached for the version and no temp download dirs are left. */
async function assertNothingCached(cacheRoot: string, version: string): Promise<void> {
  await assert.rejects(Deno.stat(cachedBinaryPath(version, cacheRoot)), Deno.errors.NotFound);
  const leftovers: string[] = [];
  try {
    for await (const e of Deno.readDir(`${cacheRoot}/nats-server`)) {
      if (e.name.startsWith(".download-")) leftovers.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  assert.deepEqual(leftovers, [], "temp download dirs must be removed");
}

Deno.test("natsServerVersion reads the real binary's version", () => {
  assert.match(realVersion, /^\d+\.\d+\.\d+/);
  assert.ok(compareVersions(realVersion, MIN_NATS_SERVER_VERSION) >= 0);
});

Deno.test("compareVersions compares numerically", () => {
  assert.ok(compareVersions("2.9.0", "2.10.0") < 0);
  assert.ok(compareVersions("2.10.0", "2.9.25") > 0);
  assert.equal(compareVersions("v2.10.0", "2.10.0"), 0);
  assert.equal(compareVersions("2.11.0-RC.1", "2.11.0"), 0);
});

Deno.test("install: the good archive is verified, cached 0755 and runs", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin);
  const config = serverConfig(mirror.url);

  const installed = await installNatsServer(config, { log: silent, cacheRoot: cache.path });
  assert.equal(installed.source, "download");
  assert.equal(installed.version, realVersion);
  assert.equal(installed.path, cachedBinaryPath(realVersion, cache.path));
  assert.equal(
    installed.path,
    `${cache.path}/nats-server/${realVersion}/nats-server`,
  );
  assert.equal((await Deno.stat(installed.path)).mode! & 0o777, 0o755);
  assert.equal(await natsServerVersion(installed.path), realVersion);
  await assertNothingCached(cache.path, "0.0.0"); // no temp dirs left behind
  assert.deepEqual(mirror.requests, [
    `v${realVersion}/SHA256SUMS`,
    `v${realVersion}/${mirror.archive}`,
  ]);

  // Cached: no new download; --force downloads again.
  const again = await installNatsServer(config, { log: silent, cacheRoot: cache.path });
  assert.equal(again.source, "cache");
  assert.equal(mirror.requests.length, 2);
  const forced = await installNatsServer(config, {
    log: silent,
    cacheRoot: cache.path,
    force: true,
  });
  assert.equal(forced.source, "download");
  assert.equal(mirror.requests.length, 4);

  // Resolution now finds the cache first, without PATH or download.
  const resolved = await resolveNatsServer(config, {
    log: silent,
    cacheRoot: cache.path,
    pathEnv: "",
    allowDownload: false,
  });
  assert.deepEqual(resolved, { path: installed.path, version: realVersion, source: "cache" });
});

Deno.test("resolve: a configured binary wins, and bad ones are configuration errors", async () => {
  await using dir = await tempDir("osapi-bin-");
  const ok = await resolveNatsServer(serverConfig("http://127.0.0.1:9", { binary: realBin }), {
    log: silent,
    cacheRoot: dir.path,
  });
  assert.deepEqual(ok, { path: realBin, version: realVersion, source: "config" });

  const missing = `${dir.path}/nope/nats-server`;
  const e1 = await resolveNatsServer(serverConfig("http://127.0.0.1:9", { binary: missing }), {
    log: silent,
    cacheRoot: dir.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e1 instanceof NatsBinaryError);
  assert.equal(e1.configError, true);
  assert.match(e1.message, /nats\.server\.binary/);
  assert.ok(e1.message.includes(missing));
  assert.match(e1.message, /does not exist/);

  const plain = `${dir.path}/nats-server`;
  await Deno.writeTextFile(plain, "#!/bin/sh\n", { mode: 0o644 });
  await Deno.chmod(plain, 0o644);
  const e2 = await resolveNatsServer(serverConfig("http://127.0.0.1:9", { binary: plain }), {
    log: silent,
    cacheRoot: dir.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e2 instanceof NatsBinaryError);
  assert.equal(e2.configError, true);
  assert.ok(e2.message.includes(plain));
  assert.match(e2.message, /is not executable/);

  const e3 = await resolveNatsServer(serverConfig("http://127.0.0.1:9", { binary: dir.path }), {
    log: silent,
    cacheRoot: dir.path,
  }).then(() => undefined, (e) => e);
  assert.match(e3.message, /is not a file/);
});

Deno.test("resolve: a recent nats-server on PATH is used", async () => {
  await using dir = await tempDir("osapi-path-");
  const bin = await fakeNatsServerDir(dir.path, "2.11.3");
  const r = await resolveNatsServer(serverConfig("http://127.0.0.1:9"), {
    log: silent,
    cacheRoot: `${dir.path}/cache`,
    pathEnv: `${dir.path}/empty:${bin}`,
    allowDownload: false,
  });
  assert.deepEqual(r, { path: `${bin}/nats-server`, version: "2.11.3", source: "path" });
});

Deno.test("resolve: a too old nats-server on PATH is skipped and the release downloaded", async () => {
  await using dir = await tempDir("osapi-path-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin);
  const bin = await fakeNatsServerDir(dir.path, "2.9.0");
  const { log, lines } = capturingLogger();
  const r = await resolveNatsServer(serverConfig(mirror.url), {
    log,
    cacheRoot: `${dir.path}/cache`,
    pathEnv: bin,
  });
  assert.equal(r.source, "download");
  assert.equal(r.path, cachedBinaryPath(realVersion, `${dir.path}/cache`));
  const warning = lines.find((l) => l.includes("WARN") && l.includes("v2.9.0"));
  assert.ok(warning, lines.join("\n"));
  assert.ok(warning.includes(`v${MIN_NATS_SERVER_VERSION}`));
});

Deno.test("resolve: too old on PATH and no download allowed names both versions", async () => {
  await using dir = await tempDir("osapi-path-");
  const bin = await fakeNatsServerDir(dir.path, "2.9.0");
  const e = await resolveNatsServer(serverConfig("http://127.0.0.1:9"), {
    log: silent,
    cacheRoot: `${dir.path}/cache`,
    pathEnv: bin,
    allowDownload: false,
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError);
  assert.equal(e.configError, false);
  assert.ok(e.message.includes(`${bin}/nats-server on PATH is v2.9.0`), e.message);
  assert.ok(e.message.includes(`at least v${MIN_NATS_SERVER_VERSION}`), e.message);
  assert.match(e.message, /nats\.server\.binary/);
  assert.match(e.message, /osapi nats install/);
});

Deno.test("resolve: unreachable download URL names the URL and how to provide a binary", async () => {
  await using dir = await tempDir("osapi-offline-");
  const url = `http://127.0.0.1:${freePort()}/mirror`;
  const e = await resolveNatsServer(serverConfig(url), {
    log: silent,
    cacheRoot: `${dir.path}/cache`,
    pathEnv: "",
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError, String(e));
  assert.ok(e.message.includes(`${url}/v${realVersion}/SHA256SUMS`), e.message);
  assert.match(e.message, /cannot reach/);
  assert.match(e.message, /nats\.server\.binary/);
  assert.match(e.message, /on PATH/);
  assert.match(e.message, /osapi nats install/);
  assert.match(e.message, /nats\.server\.download_url/);
  await assertNothingCached(`${dir.path}/cache`, realVersion);
});

Deno.test("install: a tampered archive is refused and nothing is cached", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin, { tamper: true });
  const e = await installNatsServer(serverConfig(mirror.url), {
    log: silent,
    cacheRoot: cache.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError, String(e));
  assert.match(e.message, /checksum mismatch/);
  assert.ok(e.message.includes(mirror.archive));
  await assertNothingCached(cache.path, realVersion);
});

Deno.test("install: SHA256SUMS without the archive is refused and nothing is cached", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin, { omitSum: true });
  const e = await installNatsServer(serverConfig(mirror.url), {
    log: silent,
    cacheRoot: cache.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError, String(e));
  assert.ok(e.message.includes(`has no entry for ${mirror.archive}`), e.message);
  // The archive itself was never fetched.
  assert.deepEqual(mirror.requests, [`v${realVersion}/SHA256SUMS`]);
  await assertNothingCached(cache.path, realVersion);
});

Deno.test("install: HTTP 404 names the URL and status", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin);
  const e = await installNatsServer(serverConfig(mirror.url, { version: "2.99.0" }), {
    log: silent,
    cacheRoot: cache.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError, String(e));
  assert.ok(e.message.includes(`${mirror.url}/v2.99.0/SHA256SUMS`), e.message);
  assert.match(e.message, /HTTP 404/);
  await assertNothingCached(cache.path, "2.99.0");
});

Deno.test("install: credentials in the download URL never appear in errors", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin);
  const url = mirror.url.replace("http://", "http://deploy:s3cr3t-token@");
  const { log, lines } = capturingLogger();
  const e = await installNatsServer(serverConfig(url, { version: "2.99.0" }), {
    log,
    cacheRoot: cache.path,
  }).then(() => undefined, (e) => e);
  assert.ok(e instanceof NatsBinaryError, String(e));
  assert.match(e.message, /HTTP 404/);
  assert.ok(!e.message.includes("s3cr3t-token"), e.message);
  assert.ok(!lines.join("\n").includes("s3cr3t-token"));
});

Deno.test("osapi nats install prints the path and version; --force re-downloads", async () => {
  await using cache = await tempDir("osapi-cache-");
  await using mirror = await startNatsRelease(realVersion, platform, realBin);
  const env = { XDG_CACHE_HOME: cache.path };
  const args = ["--set", `nats.server.download_url=${mirror.url}`, "--set"];
  const ver = `nats.server.version=${realVersion}`;
  const path = `${cache.path}/osapi/nats-server/${realVersion}/nats-server`;

  const first = await runOsapi([...args, ver, "nats", "install"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(first.stdout.includes(path), first.stdout);
  assert.ok(first.stdout.includes(`v${realVersion}`), first.stdout);
  assert.match(first.stdout, /downloaded/);
  assert.equal(await natsServerVersion(path), realVersion);

  const cached = await runOsapi([...args, ver, "nats", "install"], { env });
  assert.equal(cached.code, 0, cached.stderr);
  assert.match(cached.stdout, /already cached/);
  assert.equal(mirror.requests.length, 2);

  const forced = await runOsapi([...args, ver, "nats", "install", "--force"], { env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /downloaded/);
  assert.equal(mirror.requests.length, 4);

  const missing = await runOsapi([...args, "nats.server.version=2.99.0", "nats", "install"], {
    env,
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /HTTP 404/);
  assert.ok(missing.stderr.includes(`${mirror.url}/v2.99.0/SHA256SUMS`), missing.stderr);
});
