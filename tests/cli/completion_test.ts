/** Bash completion in a real bash: the generated script sourced, COMPREPLY read back. */
import assert from "node:assert/strict";
import { runOsapi } from "../helpers/osapi.ts";

const script = (await runOsapi(["completion", "bash"])).stdout;

/** Completes `words` (the last one is the word under the cursor) in a bash run in `cwd`. */
async function complete(words: string[], cwd?: string): Promise<string[]> {
  const arr = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(" ");
  const r = await new Deno.Command("bash", {
    args: [
      "-c",
      `${script}\nCOMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _osapi; ` +
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return new TextDecoder().decode(r.stdout).split("\n").filter((l) => l !== "").sort();
}

Deno.test("bash: the script registers _osapi for osapi", async () => {
  const r = await new Deno.Command("bash", {
    args: ["-c", `${script}\ncomplete -p osapi`],
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(r.stdout).trim(), "complete -F _osapi osapi");
});

Deno.test("bash: subcommands, also after options that take a value", async () => {
  assert.deepEqual(await complete(["osapi", "config", "v"]), ["validate"]);
  assert.deepEqual(await complete(["osapi", "--config", "x.yaml", "cli"]), ["client"]);
  assert.deepEqual(await complete(["osapi", "-f", "x.yaml", "--set", "a=b", "cli"]), ["client"]);
  assert.deepEqual(await complete(["osapi", "client", "--url", "http://h:1", "sys"]), ["system"]);
  assert.deepEqual(
    await complete(["osapi", "--config", "x.yaml", "client", "--url", "U", "system", "host"]),
    ["hostname"],
  );
  const system = await complete(["osapi", "client", "--url", "U", "system", ""]);
  assert.ok(system.includes("hostname") && system.includes("exec"), system.join(" "));
});

Deno.test("bash: options of the command and its ancestors", async () => {
  const opts = await complete(["osapi", "client", "system", "hostname", "--"]);
  for (const o of ["--target", "--url", "--token", "--json", "--config", "--help"]) {
    assert.ok(opts.includes(o), `${o} in ${opts.join(" ")}`);
  }
});

Deno.test("bash: argument choices for systemd unit and completion", async () => {
  assert.deepEqual(await complete(["osapi", "systemd", "unit", ""]), [
    "api",
    "nats",
    "serve",
    "worker",
  ]);
  assert.deepEqual(await complete(["osapi", "systemd", "unit", "w"]), ["worker"]);
  assert.deepEqual(await complete(["osapi", "completion", ""]), ["bash", "fish", "zsh"]);
  assert.deepEqual(await complete(["osapi", "-f", "a.yaml", "completion", "f"]), ["fish"]);
});

Deno.test("bash: file names for -f, --config, config validate and -o", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-completion-test-" });
  try {
    await Deno.writeTextFile(`${dir}/prod.yaml`, "");
    await Deno.writeTextFile(`${dir}/prod.yml.bak`, "");
    await Deno.writeTextFile(`${dir}/other.txt`, "");
    const prod = ["prod.yaml", "prod.yml.bak"];
    assert.deepEqual(await complete(["osapi", "-f", "pro"], dir), prod);
    assert.deepEqual(await complete(["osapi", "--config", "pro"], dir), prod);
    assert.deepEqual(await complete(["osapi", "config", "validate", "pro"], dir), prod);
    assert.deepEqual(await complete(["osapi", "config", "init", "-o", "oth"], dir), ["other.txt"]);
    // a value that is not a path completes to nothing, not to commands
    assert.deepEqual(await complete(["osapi", "client", "--url", ""], dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bash: after -- only arguments (exec argv), no options", async () => {
  assert.deepEqual(await complete(["osapi", "client", "system", "exec", "--", "ls", "--"]), []);
});

Deno.test("fish: choices and file options", async () => {
  const fish = (await runOsapi(["completion", "fish"])).stdout;
  assert.match(fish, /-n '__fish_seen_subcommand_from unit' -a 'serve nats api worker'/);
  assert.match(fish, /-l config -r -F/);
});
