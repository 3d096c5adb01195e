import assert from "node:assert/strict";
import { parse } from "yaml";
import { runOsapi } from "../helpers/osapi.ts";

Deno.test("osapi version", async () => {
  const r = await runOsapi(["version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^osapi \d+\.\d+\.\d+/);
});

Deno.test("config init writes a commented default that validates; refuses to overwrite", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/osapi.yaml`;
    const init = await runOsapi(["config", "init", "-o", file]);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.match(await Deno.readTextFile(file), /# client auth type/);
    const v = await runOsapi(["-f", file, "config", "validate"]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /valid/);
    const again = await runOsapi(["config", "init", "-o", file]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config validate: errors exit 2 and name key, value and what is allowed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bad.yaml`;
    await Deno.writeTextFile(
      file,
      "nats:\n  server:\n    port: many\n  strem: {}\napi:\n  server:\n    nats:\n      namespace: 'a b'\n",
    );
    const r = await runOsapi(["config", "validate", file]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /nats\.server\.port: invalid value "many"; expected an integer from 0 to 65535/,
    );
    assert.match(r.stderr, /nats\.strem: unknown key; did you mean "nats\.stream"\?/);
    assert.match(r.stderr, /api\.server\.nats\.namespace: invalid value "a b"/);
    await Deno.writeTextFile(file, "nats: [\n");
    const y = await runOsapi(["config", "validate", file]);
    assert.equal(y.code, 2);
    assert.match(y.stderr, /bad\.yaml:\d+:\d+: YAML syntax error/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config show: merged with env and --set, secrets redacted", async () => {
  const r = await runOsapi(
    ["--set", "api.server.port=9090", "config", "show"],
    {
      env: {
        OSAPI_API_SERVER_SECURITY_SIGNING_KEY: "very-secret-key",
        OSAPI_NATS_SERVER_PORT: "4333",
      },
      cwd: "/",
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const shown = parse(r.stdout);
  assert.equal(shown.api.server.port, 9090);
  assert.equal(shown.nats.server.port, 4333);
  assert.equal(shown.api.server.security.signing_key, "****");
  assert.doesNotMatch(r.stdout + r.stderr, /very-secret-key/);
});

Deno.test("bad environment value exits 2 naming the key", async () => {
  const r = await runOsapi(["config", "show"], {
    env: { OSAPI_NATS_STREAM_MAX_AGE: "forever" },
    cwd: "/",
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nats\.stream\.max_age: invalid value "forever"; expected a duration/);
});

Deno.test("systemd unit: hardened, per component; unknown component exits 2", async () => {
  for (const c of ["serve", "nats", "api", "worker"]) {
    const r = await runOsapi(["systemd", "unit", c], { cwd: "/" });
    assert.equal(r.code, 0, r.stderr);
    for (
      const line of [
        "User=osapi",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "Restart=on-failure",
      ]
    ) {
      assert.ok(r.stdout.includes(line), `${c}: ${line}`);
    }
    assert.match(r.stdout, /^ReadWritePaths=\S+/m);
  }
  const w = await runOsapi(["systemd", "unit", "worker"], { cwd: "/" });
  assert.match(
    w.stdout,
    /ExecStart=\/usr\/local\/bin\/osapi --config \/etc\/osapi\/osapi\.yaml job worker start/,
  );
  const bad = await runOsapi(["systemd", "unit", "database"], { cwd: "/" });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'database' is invalid .*Allowed choices are serve, nats, api, worker/);
});

Deno.test("completion scripts for bash, zsh and fish", async () => {
  const b = await runOsapi(["completion", "bash"]);
  assert.equal(b.code, 0);
  const check = await new Deno.Command("bash", { args: ["-n"], stdin: "piped" }).spawn();
  const w = check.stdin.getWriter();
  await w.write(new TextEncoder().encode(b.stdout));
  await w.close();
  assert.equal((await check.status).code, 0);
  const probe = await new Deno.Command("bash", {
    args: [
      "-c",
      `${b.stdout}\nCOMP_WORDS=(osapi config v); COMP_CWORD=2; _osapi; echo "\${COMPREPLY[@]}"`,
    ],
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(probe.stdout).trim(), "validate");
  assert.match((await runOsapi(["completion", "zsh"])).stdout, /#compdef osapi/);
  assert.match(
    (await runOsapi(["completion", "fish"])).stdout,
    /complete -c osapi -n '__fish_use_subcommand' -a config/,
  );
  const bad = await runOsapi(["completion", "tcsh"]);
  assert.equal(bad.code, 2);
});
