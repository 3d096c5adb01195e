/**
 * `deno task serve`: runs `osapi serve` from the source tree. Development fallback of the README
 * task (not of the product's downloader): when no nats-server >= 2.11 is on PATH, one is found
 * in $GOPATH/bin or built with `go install`, and its directory is put first on PATH so that
 * osapi's own binary resolution (configured path, cache, PATH, download) finds it.
 */
import { ensureDevNatsServer } from "./dev_nats.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const env: Record<string, string> = {};
try {
  const bin = await ensureDevNatsServer();
  env.PATH = `${bin.slice(0, bin.lastIndexOf("/"))}:${Deno.env.get("PATH") ?? ""}`;
} catch (e) {
  console.error(`${(e as Error).message}\nfalling back to osapi's own nats-server resolution`);
}
const args = Deno.args.length > 0 ? Deno.args : ["serve"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", main, ...args],
  env,
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
// Ctrl-C reaches osapi directly (same process group): SIGINT is only kept from ending this
// script first. SIGTERM (e.g. `kill` of this script) is passed on.
Deno.addSignalListener("SIGINT", () => {});
Deno.addSignalListener("SIGTERM", () => {
  try {
    child.kill("SIGTERM");
  } catch { /* gone */ }
});
Deno.exit((await child.status).code);
