import assert from "node:assert/strict";
import {
  DownloadError,
  downloadToFile,
  fetchText,
  parseSha256Sums,
  type Progress,
  ProgressBar,
  redactUrl,
  releaseArchiveName,
  releaseFileUrl,
  releasePlatform,
  sha256File,
} from "../../src/server/download.ts";
import { parseTar, readTarGz, TarError } from "../../src/server/tar.ts";
import { freePort } from "../helpers/ports.ts";
import { sha256Hex, startReleaseMirror } from "../helpers/release_mirror.ts";

async function tempDir(prefix: string) {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Builds a .tar.gz of `files` (relative path -> content) with the system tar and `format`. */
async function systemTarGz(
  dir: string,
  files: Record<string, { content: string; mode: number }>,
  format: "gnu" | "posix" | "ustar",
): Promise<Uint8Array> {
  const src = `${dir}/src-${format}`;
  for (const [name, f] of Object.entries(files)) {
    const path = `${src}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, f.content);
    await Deno.chmod(path, f.mode);
  }
  const out = `${dir}/out-${format}.tar.gz`;
  const r = await new Deno.Command("tar", {
    args: [`--format=${format}`, "-czf", out, "-C", src, "."],
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return await Deno.readFile(out);
}

const LONG = `${"deep/".repeat(15)}${"x".repeat(120)}.txt`; // > 100 and > 155 chars

for (const format of ["gnu", "posix"] as const) {
  Deno.test(`tar: reads ${format} archives from the system tar, long names included`, async () => {
    await using dir = await tempDir("osapi-tar-");
    const bytes = await systemTarGz(dir.path, {
      "rel/nats-server": { content: "#!/bin/sh\necho hi\n", mode: 0o755 },
      "rel/LICENSE": { content: "Apache", mode: 0o644 },
      [LONG]: { content: "long", mode: 0o600 },
    }, format);
    const entries = await readTarGz(bytes);
    const files = new Map(
      entries.filter((e) => e.type === "file").map((e) => [e.name, e]),
    );
    assert.deepEqual([...files.keys()].sort(), [LONG, "rel/LICENSE", "rel/nats-server"].sort());
    const bin = files.get("rel/nats-server")!;
    assert.equal(new TextDecoder().decode(bin.data), "#!/bin/sh\necho hi\n");
    assert.equal(bin.mode, 0o755);
    assert.equal(bin.size, bin.data.length);
    assert.equal(files.get("rel/LICENSE")!.mode, 0o644);
    assert.equal(new TextDecoder().decode(files.get(LONG)!.data), "long");
    assert.ok(entries.some((e) => e.type === "directory" && e.name === "rel"));
  });
}

Deno.test("tar: reads a ustar name split into prefix and name", async () => {
  await using dir = await tempDir("osapi-tar-");
  const name = `${"p".repeat(90)}/${"q".repeat(60)}/file`; // needs the 155-byte prefix field
  const bytes = await systemTarGz(dir.path, { [name]: { content: "ok", mode: 0o644 } }, "ustar");
  const entry = (await readTarGz(bytes)).find((e) => e.type === "file");
  assert.equal(entry?.name, name);
  assert.equal(new TextDecoder().decode(entry!.data), "ok");
});

Deno.test("tar: corrupt input is a TarError", async () => {
  await assert.rejects(readTarGz(new TextEncoder().encode("not gzip at all")), TarError);
  const header = new Uint8Array(1024);
  header.set(new TextEncoder().encode("name"), 0);
  header.set(new TextEncoder().encode("0000000"), 148); // wrong checksum
  assert.throws(() => parseTar(header), /checksum/);
});

Deno.test("parseSha256Sums reads sha256sum lines, including binary-mode '*' names", () => {
  const a = "a".repeat(64);
  const b = "B".repeat(64);
  const sums = parseSha256Sums(
    `${a}  nats-server-v2.14.5-linux-amd64.tar.gz\n${b} *other.zip\r\n\ngarbage line\n`,
  );
  assert.equal(sums.get("nats-server-v2.14.5-linux-amd64.tar.gz"), a);
  assert.equal(sums.get("other.zip"), "b".repeat(64));
  assert.equal(sums.size, 2);
});

Deno.test("release names follow the GitHub release layout", () => {
  assert.deepEqual(releasePlatform({ os: "linux", arch: "x86_64" }), {
    os: "linux",
    arch: "amd64",
  });
  assert.deepEqual(releasePlatform({ os: "darwin", arch: "aarch64" }), {
    os: "darwin",
    arch: "arm64",
  });
  assert.throws(
    () => releasePlatform({ os: "windows", arch: "x86_64" }),
    /windows\/x86_64.*nats\.server\.binary/,
  );
  assert.equal(
    releaseArchiveName("2.14.5", { os: "linux", arch: "arm64" }),
    "nats-server-v2.14.5-linux-arm64.tar.gz",
  );
  assert.equal(
    releaseFileUrl("https://example.com/dl/", "2.14.5", "SHA256SUMS"),
    "https://example.com/dl/v2.14.5/SHA256SUMS",
  );
});

Deno.test("redactUrl masks credentials only", () => {
  assert.equal(redactUrl("https://u:pw@mirror.example/dl"), "https://***@mirror.example/dl");
  assert.equal(redactUrl("https://mirror.example/dl"), "https://mirror.example/dl");
});

Deno.test("ProgressBar renders percentages and sizes", () => {
  const written: string[] = [];
  const out = {
    writeSync(p: Uint8Array) {
      written.push(new TextDecoder().decode(p));
      return p.length;
    },
  };
  const bar = new ProgressBar("archive", out, 10);
  assert.equal(bar.render(512 * 1024, 1024 * 1024), "archive [#####     ]  50% 0.5/1.0 MB");
  assert.equal(bar.render(3 * 1024 * 1024, undefined), "archive 3.0 MB");
  bar.update(1024 * 1024, 1024 * 1024);
  bar.done();
  assert.equal(written.join(""), "\rarchive [##########] 100% 1.0/1.0 MB\n");
});

Deno.test("downloadToFile streams to a 0600 file with progress; sha256File matches", async () => {
  await using dir = await tempDir("osapi-dl-");
  const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
  await using mirror = startReleaseMirror({ "v1.0.0/blob": body, "v1.0.0/SHA256SUMS": "x" });
  const seen: Array<[number, number | undefined]> = [];
  let done = 0;
  const progress: Progress = {
    update: (r, t) => seen.push([r, t]),
    done: () => done++,
  };
  const dest = `${dir.path}/blob`;
  const n = await downloadToFile(`${mirror.url}/v1.0.0/blob`, dest, { progress });
  assert.equal(n, body.length);
  assert.deepEqual(await Deno.readFile(dest), body);
  assert.equal((await Deno.stat(dest)).mode! & 0o777, 0o600);
  assert.deepEqual(seen.at(-1), [body.length, body.length]);
  assert.equal(done, 1);
  assert.equal(await sha256File(dest), sha256Hex(body));
  assert.equal(await fetchText(`${mirror.url}/v1.0.0/SHA256SUMS`), "x");
});

Deno.test("downloads: HTTP 404 and unreachable hosts are DownloadErrors naming the URL", async () => {
  await using dir = await tempDir("osapi-dl-");
  await using mirror = startReleaseMirror({});
  const missing = `${mirror.url}/v1.0.0/nope.tar.gz`;
  const e1 = await downloadToFile(missing, `${dir.path}/f`).then(() => undefined, (e) => e);
  assert.ok(e1 instanceof DownloadError);
  assert.equal(e1.message, `download of ${missing} failed: HTTP 404 Not Found`);
  await assert.rejects(Deno.stat(`${dir.path}/f`), Deno.errors.NotFound);

  const down = `http://127.0.0.1:${freePort()}/v1.0.0/SHA256SUMS`;
  const e2 = await fetchText(down).then(() => undefined, (e) => e);
  assert.ok(e2 instanceof DownloadError);
  assert.ok(e2.message.startsWith(`cannot reach ${down}: `), e2.message);
});
