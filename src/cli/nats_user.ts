/** `osapi nats user add | revoke | list`: users of an operator-store account. */
import type { Command } from "@commander-js/extra-typings";
import { pushStoredAccounts } from "../nats_auth/account_push.ts";
import { readCredsFile } from "../nats_auth/creds.ts";
import { expiresIn, jwtPermissions, peekJwt, type Permissions } from "../nats_auth/nats_jwt.ts";
import { NATS_ROLES } from "../config/schema.ts";
import { type NatsRole, permissionsFor } from "../nats/permissions.ts";
import { credentialId } from "../nats/credential_id.ts";
import { routerFor } from "../nats/resources.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { collect, commaList, guarded, parseExpires, printPush, storeFor } from "./nats_security.ts";

function parseRole(text: string): NatsRole {
  if ((NATS_ROLES as readonly string[]).includes(text)) return text as NatsRole;
  throw new CliError(
    `--role ${JSON.stringify(text)}: expected one of ${NATS_ROLES.join(", ")}`,
    EXIT_CONFIG,
  );
}

/** `--hostname`: only for the roles that run a worker (a clear error otherwise). */
function parseHostname(text: string | undefined, role: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (role !== "worker" && role !== "component") {
    throw new CliError(
      `--hostname ${JSON.stringify(text)}: only with --role worker or component ` +
        `(got ${role === undefined ? "no --role" : `--role ${role}`})`,
      EXIT_CONFIG,
    );
  }
  if (text.trim() === "" || /[\s*>]/.test(text.trim())) {
    throw new CliError(
      `--hostname ${JSON.stringify(text)}: expected the worker's host name ` +
        "(job.worker.hostname), without whitespace or the wildcards * and >",
      EXIT_CONFIG,
    );
  }
  return text.trim();
}

/** Registers `nats user` on the `nats` group. */
export function registerNatsUser(nats: Command): void {
  const user = nats.command("user").description("users of an operator-store account");
  const dirOpt = [
    "--dir <dir>",
    "store directory (default: nats.server.auth.operator.dir)",
  ] as const;

  user.command("add")
    .description("create a user signed by the account's signing key and write its creds (0600)")
    .argument("<name>", "user name")
    .requiredOption("--account <account>", "account name in the store")
    .option("--pub <subjects>", "allowed publish subjects (comma-separated, repeatable)", collect)
    .option("--sub <subjects>", "allowed subscribe subjects (comma-separated, repeatable)", collect)
    .option("--role <role>", `a permission set instead: ${NATS_ROLES.join(", ")}`)
    .option(
      "--namespace <ns>",
      "namespace the --role is fenced to (default: nats.server.namespace)",
    )
    .option(
      "--hostname <host>",
      "with --role worker or component: fence the user to this worker host (its consumer, " +
        "results, registry entry and file state)",
    )
    .option("--expires <duration>", "lifetime, e.g. 24h, 30d (default: never)")
    .option("--force", "replace an existing user of that name")
    .option(...dirOpt)
    .action((name, opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const pub = commaList(opts.pub);
        const sub = commaList(opts.sub);
        // the user's permissions name its own inbox: computed once its public key exists
        let permissions: (publicKey: string) => Permissions;
        const hostname = parseHostname(opts.hostname, opts.role);
        if (opts.role !== undefined) {
          if (pub.length || sub.length) {
            throw new CliError("give either --role or --pub/--sub, not both", EXIT_CONFIG);
          }
          const ns = opts.namespace ?? config.nats.server.namespace;
          const role = parseRole(opts.role);
          permissions = (publicKey) =>
            jwtPermissions(
              permissionsFor(role, routerFor(config, ns), {
                hostname,
                credential: credentialId({ type: "nkey", publicKey }),
              }),
            );
        } else {
          if (!pub.length && !sub.length) {
            throw new CliError("give --pub and/or --sub subjects, or --role", EXIT_CONFIG);
          }
          permissions = () => ({ pub: { allow: pub }, sub: { allow: sub } });
        }
        const expires = expiresIn(parseExpires(opts.expires));
        const u = await storeFor(config, opts.dir).addUser(opts.account, (publicKey) => ({
          name,
          permissions: permissions(publicKey),
          expires,
        }), opts.force);
        console.log(u.credsFile);
        console.error(`user ${name} ${u.publicKey} in account ${opts.account}`);
      })
    );

  user.command("list")
    .description("list the stored users of an account")
    .requiredOption("--account <account>", "account name in the store")
    .option(...dirOpt)
    .action((opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const acc = await store.account(opts.account);
        const revoked = acc.spec.revocations ?? {};
        const dir = `${store.accountDir(opts.account)}/users`;
        const names: string[] = [];
        for await (const e of Deno.readDir(dir)) {
          if (e.isFile && e.name.endsWith(".creds")) names.push(e.name.slice(0, -6));
        }
        for (const n of names.sort()) {
          const c = peekJwt((await readCredsFile(store.credsFile(opts.account, n))).jwt);
          const exp = c.exp ? new Date(c.exp * 1000).toISOString() : "never";
          const rev = revoked[c.sub] !== undefined && c.iat <= revoked[c.sub] ? "\trevoked" : "";
          console.log(`${n}\t${c.sub}\texpires=${exp}${rev}`);
        }
      })
    );

  user.command("revoke")
    .description("revoke a user in its account JWT (then push it, or restart a memory resolver)")
    .argument("<user>", "user name in the store, or a user public key")
    .requiredOption("--account <account>", "account name in the store")
    .option("--push", "push the account to running servers right away")
    .option("--server <url>", "server URL for --push (repeatable)", collect)
    .option("--creds <file>", "system account user creds for --push")
    .option(...dirOpt)
    .action((who, opts, cmd) =>
      guarded(async () => {
        const { config, log } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const acc = await store.revokeUser(opts.account, who);
        console.log(`revoked ${who} in account ${opts.account}`);
        if (opts.push) {
          printPush(
            await pushStoredAccounts(config, store, [acc.name], log, {
              urls: opts.server,
              credsFile: opts.creds,
            }),
          );
        } else {
          console.error(`push it with \`osapi nats account push ${acc.name}\``);
        }
      })
    );
}
