/**
 * `osapi nats inbox`: the inbox prefix of a credential (`_INBOX.<ns>.<credential id>`), the
 * only reply subjects its NATS permissions let it subscribe to. Tools that make requests
 * (`nats req`, `nats kv get`, `nats stream info` ...) need it: `nats --inbox-prefix <prefix>`.
 */
import type { Command } from "@commander-js/extra-typings";
import { buildAuthOptions, checkCredsFile, tokenSubject } from "../nats/auth_options.ts";
import { credentialId, type CredentialRef } from "../nats/credential_id.ts";
import { routerFor } from "../nats/resources.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { guarded } from "./nats_security.ts";

const COMPONENTS = ["api", "worker"] as const;

async function readInput(file: string): Promise<string> {
  if (file === "-") return (await new Response(Deno.stdin.readable).text()).trim();
  try {
    return (await Deno.readTextFile(file)).trim();
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, EXIT_CONFIG);
  }
}

/** Registers `nats inbox` on the `nats` group. */
export function registerNatsInbox(nats: Command): void {
  nats.command("inbox")
    .description(
      "print a credential's inbox prefix (for `nats --inbox-prefix <prefix> ...`); default: " +
        "the API's configured NATS credential",
    )
    .option("--component <component>", `a configured component: ${COMPONENTS.join(", ")}`)
    .option("--user <name>", "a user_pass or callout user name (or a mapped certificate subject)")
    .option("--public-key <key>", "an nkey user's public key (U...)")
    .option("--creds <file>", "a JWT user's credentials file (operator mode)")
    .option("--token-file <file>", "a file holding an API token ('-': stdin)")
    .option("--namespace <ns>", "namespace (default: nats.server.namespace; --component: its own)")
    .action((opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const given = [opts.component, opts.user, opts.publicKey, opts.creds, opts.tokenFile]
          .filter((v) => v !== undefined);
        if (given.length > 1) {
          throw new CliError(
            "give one of --component, --user, --public-key, --creds, --token-file",
            EXIT_CONFIG,
          );
        }
        let ref: CredentialRef | undefined;
        let id: string;
        let ns = opts.namespace ?? config.nats.server.namespace;
        if (opts.user !== undefined) ref = { type: "user", username: opts.user };
        else if (opts.publicKey !== undefined) {
          if (!/^U[A-Z2-7]{55}$/.test(opts.publicKey)) {
            throw new CliError(
              `--public-key ${JSON.stringify(opts.publicKey)}: expected a user public key ` +
                "(U and 55 base32 characters)",
              EXIT_CONFIG,
            );
          }
          ref = { type: "nkey", publicKey: opts.publicKey };
        } else if (opts.creds !== undefined) {
          ref = {
            type: "nkey",
            publicKey: checkCredsFile(await readInput(opts.creds), opts.creds),
          };
        } else if (opts.tokenFile !== undefined) {
          const subject = tokenSubject(await readInput(opts.tokenFile));
          if (subject === undefined) {
            throw new CliError(
              `--token-file ${opts.tokenFile}: not an API token (a JWT with a subject)`,
              EXIT_CONFIG,
            );
          }
          ref = { type: "token", subject };
        }
        if (ref !== undefined) id = credentialId(ref);
        else {
          const component = opts.component ?? "api";
          if (!(COMPONENTS as readonly string[]).includes(component)) {
            throw new CliError(
              `--component ${JSON.stringify(component)}: expected one of ${COMPONENTS.join(", ")}`,
              EXIT_CONFIG,
            );
          }
          const client = component === "api" ? config.api.server.nats : config.job.worker.nats;
          id = (await buildAuthOptions(client)).credentialId;
          ns = opts.namespace ?? client.namespace;
        }
        console.log(routerFor(config, ns).inboxPrefixFor(id));
      })
    );
}
