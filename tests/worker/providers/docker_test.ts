/**
 * The docker providers against a stand-in for dockerd: a real HTTP server on a real unix
 * socket at `<root>/var/run/docker.sock` (tests/helpers/fake_dockerd.ts) answering the Docker
 * Engine API endpoints used; the requests the providers make and their results are asserted.
 * Without a socket, every operation says docker is not available on the host.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { PermanentProviderError } from "../../../src/worker/permanent.ts";
import { loadProviders } from "../../../src/worker/providers/mod.ts";
import { demultiplex } from "../../../src/worker/providers/docker_api.ts";
import { splitRef } from "../../../src/worker/providers/docker_pull.ts";
import { startFakeDockerd } from "../../helpers/fake_dockerd.ts";
import { testContext } from "./ctx.ts";

const providers = await loadProviders();
const run = (type: string, input: Record<string, unknown>, root: string) => {
  const p = providers.get(`node.docker.${type}`)!;
  return p.run(p.validate(input), testContext(undefined, root)) as Promise<Record<string, unknown>>;
};

Deno.test("docker providers drive the Engine API: create, list, get, exec, stop, delete, pull, image delete", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    await using dockerd = await startFakeDockerd(root);
    const created = await run("create", {
      image: "nginx:latest",
      name: "web",
      command: ["nginx", "-g", "daemon off;"],
      env: ["PORT=8080"],
      ports: ["8080:80", "127.0.0.1:8443:443/tcp"],
      volumes: ["/data:/var/lib/data:ro"],
      dns: ["192.0.2.53"],
      hostname: "web-01",
    }, root);
    assert.deepEqual([created.name, created.image, created.state, created.changed], [
      "web",
      "nginx:latest",
      "running",
      true,
    ]);
    const create = dockerd.requests.find((r) => r.url.startsWith("/containers/create"))!;
    assert.equal(create.url, "/containers/create?name=web");
    assert.deepEqual(create.body, {
      Image: "nginx:latest",
      Hostname: "web-01",
      Cmd: ["nginx", "-g", "daemon off;"],
      Env: ["PORT=8080"],
      ExposedPorts: { "80/tcp": {}, "443/tcp": {} },
      HostConfig: {
        PortBindings: {
          "80/tcp": [{ HostPort: "8080" }],
          "443/tcp": [{ HostIp: "127.0.0.1", HostPort: "8443" }],
        },
        Binds: ["/data:/var/lib/data:ro"],
        Dns: ["192.0.2.53"],
      },
    });
    assert.ok(
      dockerd.requests.some((r) =>
        r.method === "POST" && r.url === `/containers/${created.id}/start`
      ),
    );
    // the same again: unchanged; another image under that name: refused
    assert.equal(
      (await run("create", { image: "nginx:latest", name: "web" }, root)).changed,
      false,
    );
    await assert.rejects(
      run("create", { image: "redis:7", name: "web" }, root),
      /already exists from image nginx:latest/,
    );
    await assert.rejects(
      run("create", { image: "redis:7" }, root),
      (e: Error) =>
        e instanceof OperationInputError && /not on this host \(pull it first\)/.test(e.message),
    );

    const list = await run("list", { state: "running", limit: 5 }, root);
    assert.deepEqual(
      (list.containers as Record<string, unknown>[]).map((c) => [c.name, c.state, c.created]),
      [["web", "running", "2023-11-14T22:13:20.000Z"]],
    );
    assert.equal(
      dockerd.requests.at(-1)!.url,
      `/containers/json?all=1&limit=5&filters=${encodeURIComponent('{"status":["running"]}')}`,
    );
    assert.deepEqual((await run("list", { state: "stopped" }, root)).containers, []);

    const got = await run("get", { id: "web" }, root);
    assert.deepEqual([got.id, got.ports, got.mounts, got.env, got.network_settings], [
      created.id,
      ["8080:80"],
      ["/data:/var/lib/data"],
      ["PORT=8080"],
      { IPAddress: "172.17.0.2" },
    ]);
    await assert.rejects(run("get", { id: "nope" }, root), /no container nope on this host/);

    const exec = await run("exec", {
      id: "web",
      command: ["ls", "-la", "/"],
      working_dir: "/app",
      env: ["A=1"],
    }, root);
    assert.deepEqual(exec, {
      stdout: "ran: ls -la /\n",
      stderr: "warn\n",
      exit_code: 0,
      changed: true,
    });
    const execReq = dockerd.requests.find((r) =>
      r.url === `/containers/${created.id}/exec` || r.url === "/containers/web/exec"
    )!;
    assert.deepEqual(execReq.body, {
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: ["ls", "-la", "/"],
      Env: ["A=1"],
      WorkingDir: "/app",
    });
    assert.equal((await run("exec", { id: "web", command: ["false"] }, root)).exit_code, 1);

    await assert.rejects(
      run("delete", { id: "web" }, root),
      /docker refused: cannot remove a running container/,
    );
    assert.deepEqual(await run("stop", { id: "web", timeout: 3 }, root), {
      id: "web",
      message: "container stopped",
      changed: true,
    });
    assert.equal(dockerd.requests.at(-1)!.url, "/containers/web/stop?t=3");
    assert.equal((await run("stop", { id: "web" }, root)).changed, false);
    assert.equal((await run("start", { id: "web" }, root)).changed, true);
    assert.equal((await run("start", { id: "web" }, root)).message, "container already running");
    await assert.rejects(run("start", { id: "nope" }, root), /no container nope on this host/);
    assert.equal((await run("delete", { id: "web", force: "true" }, root)).changed, true);
    assert.equal(dockerd.requests.at(-1)!.url, "/containers/web?force=1");
    assert.deepEqual(await run("delete", { id: "web" }, root), {
      id: "web",
      message: "no such container",
      changed: false,
    });

    const pulled = await run("pull", { image: "docker.io/library/alpine:3.18" }, root);
    assert.deepEqual(pulled, {
      image_id: `sha256:${"b".repeat(64)}`,
      tag: "3.18",
      size: 2000,
      changed: true,
    });
    assert.ok(
      dockerd.requests.some((r) =>
        r.url === "/images/create?fromImage=docker.io%2Flibrary%2Falpine&tag=3.18"
      ),
    );
    assert.equal(
      (await run("pull", { image: "docker.io/library/alpine:3.18" }, root)).changed,
      false,
    );
    await assert.rejects(
      run("pull", { image: "missing" }, root),
      /pull of missing failed: manifest unknown/,
    );

    assert.equal((await run("image_delete", { image: "nginx:latest" }, root)).changed, true);
    assert.equal((await run("image_delete", { image: "nginx:latest" }, root)).changed, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("without a docker socket every docker operation says docker is not available", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    for (
      const [type, input] of [["list", {}], ["get", { id: "a" }], ["pull", { image: "a" }]] as const
    ) {
      await assert.rejects(
        run(type, input, root),
        (e: Error) =>
          e instanceof PermanentProviderError &&
          e.message ===
            `docker is not available on this host: no socket at ${root}/var/run/docker.sock`,
      );
    }
    await Deno.mkdir(`${root}/var/run`, { recursive: true });
    await Deno.writeTextFile(`${root}/var/run/docker.sock`, "");
    await assert.rejects(
      run("list", {}, root),
      /docker is not available on this host: .* is not a socket/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("docker inputs are checked strictly", () => {
  const bad = (type: string, input: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => providers.get(`node.docker.${type}`)!.validate(input), pattern);
  bad("get", { id: "-rf" }, /id/);
  bad("get", { id: "../x" }, /id/);
  bad("create", { image: "NGINX" }, /image/);
  bad("create", { image: "nginx;rm -rf /" }, /image/);
  bad("create", { image: "nginx", env: ["1X=2"] }, /env\[0\]/);
  bad("create", { image: "nginx", ports: ["80"] }, /ports\[0\]/);
  bad("create", { image: "nginx", volumes: ["/a/../etc:/x"] }, /volumes\[0\]/);
  bad("create", { image: "nginx", volumes: ["rel:/x"] }, /volumes\[0\]/);
  bad("create", { image: "nginx", dns: ["dns.example"] }, /dns\[0\] must be an IP address/);
  bad("create", { image: "nginx", privileged: true }, /unknown field "privileged"/);
  bad("exec", { id: "a", command: [] }, /command must have at least 1/);
  bad("exec", { id: "a", command: ["ls"], working_dir: "app" }, /working_dir/);
  bad("stop", { id: "a", timeout: 301 }, /timeout must be between 0 and 300/);
  bad("list", { state: "paused" }, /state must be one of running, stopped, all/);
  bad("list", { limit: "0" }, /limit/);
  bad("delete", { id: "a", force: "yes" }, /force must be true or false/);
  assert.equal(splitRef("registry:5000/app").tag, "latest");
  assert.deepEqual(splitRef("registry:5000/app:1.2"), { name: "registry:5000/app", tag: "1.2" });
  assert.deepEqual(demultiplex(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 2, 104, 105])), {
    stdout: "hi",
    stderr: "",
  });
});
