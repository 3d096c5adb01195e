/** `osapi nats operator init | import | config`: operator (JWT) mode setup. */
import type { Command } from "@commander-js/extra-typings";
import {
  configJetStreamLimits,
  configPermissions,
  initOperator,
  renderOperatorConfig,
  type ResolverType,
} from "../nats_auth/operator_init.ts";
import { importNscStore } from "../nats_auth/nsc_import.ts";
import { operatorDir } from "../config/state_layout.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { collect, commaList, guarded, storeFor } from "./nats_security.ts";

function parseResolver(text: string): ResolverType {
  if (text === "memory" || text === "full") return text;
  throw new CliError(
    `--resolver ${JSON.stringify(text)}: expected memory or full`,
    EXIT_CONFIG,
  );
}

/** Registers `nats operator` on the `nats` group. */
export function registerNatsOperator(nats: Command): void {
  const op = nats.command("operator").description("operator (JWT) mode: operator, accounts, users");

  op.command("init")
    .description(
      "create an operator with a signing key, the system account, one account per namespace " +
        "(JetStream enabled) with api, worker and admin users (creds 0600), and the server config",
    )
    .option("--dir <dir>", "store directory (default: nats.server.auth.operator.dir)")
    .option("--namespaces <list>", "comma-separated namespaces (default: nats.server.namespace)")
    .option("--resolver <type>", "memory or full (default: nats.server.auth.operator.resolver)")
    .option("--name <name>", "operator name (default: nats.server.auth.operator.name)")
    .option(
      "--worker-host <hosts>",
      "a worker user per host, fenced to it (worker-<host>; comma-separated, repeatable) " +
        "instead of one namespace-wide worker user",
      collect,
    )
    .option("--force", "replace an existing store (its keys are lost)")
    .action((opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const o = config.nats.server.auth.operator;
        const dir = opts.dir ?? operatorDir(config);
        const namespaces = opts.namespaces !== undefined
          ? commaList(opts.namespaces)
          : [config.nats.server.namespace];
        const r = await initOperator({
          dir,
          name: opts.name ?? o.name,
          namespaces,
          resolver: parseResolver(opts.resolver ?? o.resolver),
          resolverDir: o.resolver_dir || undefined,
          jetstream: configJetStreamLimits(config),
          permissions: configPermissions(config),
          workerHosts: commaList(opts.workerHost),
          force: opts.force,
        });
        console.log(`operator        ${r.operatorPublicKey}`);
        console.log(`system account  ${r.systemAccount}`);
        console.log(`system user     ${r.systemCreds}`);
        for (const a of r.accounts) {
          console.log(`account ${a.account} (namespace ${a.namespace || "none"})  ${a.publicKey}`);
          for (const [role, file] of Object.entries(a.creds)) {
            console.log(`  ${role.padEnd(7)} ${file}`);
          }
        }
        console.log(`server config   ${r.serverConfigFile}`);
        console.error(
          "next: set nats.server.auth.type: operator (and .operator.dir if not the default), and " +
            "point api.server.nats.auth / job.worker.nats.auth (type creds) at the creds files",
        );
      })
    );

  op.command("import")
    .description(
      "import an nsc operator store: operator, account and user JWTs kept verbatim (every " +
        "claim), the keystore's seeds as key and creds files (0600)",
    )
    .argument(
      "<nsc-store-dir>",
      "nsc's data dir (e.g. ~/.local/share/nats/nsc/stores) or one operator dir",
    )
    .option("--keys <keystore-dir>", "nsc's keystore (default: keys next to the stores dir)")
    .option("--operator <name>", "the operator to import when the store holds several")
    .option("--dir <dir>", "osapi store directory (default: nats.server.auth.operator.dir)")
    .option("--force", "replace an existing osapi store (its keys are lost)")
    .action((storeDir, opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const r = await importNscStore({
          storeDir,
          keysDir: opts.keys,
          operator: opts.operator,
          dir: opts.dir ?? operatorDir(config),
          force: opts.force,
        });
        console.log(`operator        ${r.operator}  ${r.operatorPublicKey}`);
        console.log(`account signer  ${r.accountSigner}`);
        console.log(`system account  ${r.systemAccount}`);
        for (const a of r.accounts) {
          console.log(`account ${a.name}  ${a.publicKey}  (users issued by: ${a.userSigner})`);
          for (const u of a.users) console.log(`  ${u}`);
          for (const u of a.usersWithoutSeed) {
            console.log(`  ${u} (no seed in the keystore: no creds file)`);
          }
        }
        console.log(`store           ${r.dir}`);
        if (r.accountSigner === "none") {
          console.error("warning: no operator seed found: accounts cannot be re-signed by osapi");
        }
      })
    );

  op.command("config")
    .description("print the server configuration fragment of the operator store")
    .option("--dir <dir>", "store directory (default: nats.server.auth.operator.dir)")
    .option("--resolver <type>", "memory or full (default: nats.server.auth.operator.resolver)")
    .action((opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const o = config.nats.server.auth.operator;
        const text = await renderOperatorConfig(storeFor(config, opts.dir), {
          resolver: parseResolver(opts.resolver ?? o.resolver),
          resolverDir: o.resolver_dir || undefined,
        });
        await Deno.stdout.write(new TextEncoder().encode(text));
      })
    );
}
