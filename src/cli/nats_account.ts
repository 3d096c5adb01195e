/** `osapi nats account add | list | export | import | push`: accounts of the operator store. */
import type { Command } from "@commander-js/extra-typings";
import { pushStoredAccounts } from "../nats_auth/account_push.ts";
import {
  accountImport,
  addExportEdit,
  addImportEdit,
  serviceExport,
  streamExport,
} from "../nats_auth/nats_jwt.ts";
import { checkPublicKey } from "../nats_auth/nats_keys.ts";
import type { OperatorStore } from "../nats_auth/operator_store.ts";
import { configJetStreamLimits } from "../nats_auth/operator_init.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { collect, commaList, guarded, printPush, storeFor } from "./nats_security.ts";

/** An account given by stored name or public key. */
async function accountKey(store: OperatorStore, nameOrKey: string): Promise<string> {
  if (/^A[A-Z2-7]{55}$/.test(nameOrKey)) return checkPublicKey(nameOrKey, "account");
  return (await store.account(nameOrKey)).publicKey;
}

function kindOf(opts: { stream?: boolean; service?: boolean }): "stream" | "service" {
  if (opts.stream === opts.service) {
    throw new CliError("give exactly one of --stream or --service", EXIT_CONFIG);
  }
  return opts.service ? "service" : "stream";
}

/** Registers `nats account` on the `nats` group. */
export function registerNatsAccount(nats: Command): void {
  const account = nats.command("account").description("accounts of the operator store");
  const dirOpt = [
    "--dir <dir>",
    "store directory (default: nats.server.auth.operator.dir)",
  ] as const;

  account.command("add")
    .description("create an account (identity and signing key) signed by the operator")
    .argument("<name>", "account name")
    .option(...dirOpt)
    .option("--no-jetstream", "disable JetStream for the account")
    .option("--export-stream <subject>", "export a stream (repeatable)", collect)
    .option("--export-service <subject>", "export a service (repeatable)", collect)
    .action((name, opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const acc = await store.createAccount({
          name,
          jetstream: opts.jetstream ? configJetStreamLimits(config) : undefined,
          exports: [
            ...commaList(opts.exportStream).map((s) => streamExport(s)),
            ...commaList(opts.exportService).map((s) => serviceExport(s)),
          ],
        });
        console.log(`account ${acc.name} ${acc.publicKey}`);
        console.error("push it to running servers with `osapi nats account push " + name + "`");
      })
    );

  account.command("list")
    .description("list the accounts of the store")
    .option(...dirOpt)
    .action((opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        for (const a of await storeFor(config, opts.dir).accounts()) {
          const js = a.spec.jetstream ? "jetstream" : "no-jetstream";
          const rev = Object.keys(a.spec.revocations ?? {}).length;
          console.log(
            `${a.name}\t${a.publicKey}\t${js}\texports=${a.spec.exports?.length ?? 0}\t` +
              `imports=${a.spec.imports?.length ?? 0}\trevocations=${rev}`,
          );
        }
      })
    );

  account.command("export")
    .description("add an export to an account (re-signed; push it afterwards)")
    .argument("<account>", "account name")
    .argument("<subject>", "exported subject")
    .option("--stream", "a stream export (subscribers in other accounts)")
    .option("--service", "a service export (requests from other accounts)")
    .option(...dirOpt)
    .action((name, subject, opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const exp = kindOf(opts) === "stream" ? streamExport(subject) : serviceExport(subject);
        await store.updateAccount(name, addExportEdit(exp));
        console.log(`account ${name} exports ${exp.type} ${subject}`);
      })
    );

  account.command("import")
    .description("add an import to an account (re-signed; push it afterwards)")
    .argument("<account>", "importing account name")
    .argument("<subject>", "subject exported by the other account")
    .requiredOption("--from <account>", "exporting account (name in the store or public key)")
    .option("--to <subject>", "local subject (default: the same subject)")
    .option("--stream", "import a stream")
    .option("--service", "import a service")
    .option(...dirOpt)
    .action((name, subject, opts, cmd) =>
      guarded(async () => {
        const { config } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const from = await accountKey(store, opts.from);
        const imp = accountImport(kindOf(opts), from, subject, opts.to);
        await store.updateAccount(name, addImportEdit(imp));
        console.log(`account ${name} imports ${imp.type} ${subject} from ${opts.from}`);
      })
    );

  account.command("push")
    .description("push account JWTs to running servers (full resolver) over $SYS.REQ.CLAIMS.UPDATE")
    .argument("[accounts...]", "account names (default: every account)")
    .option(...dirOpt)
    .option(
      "--server <url>",
      "server URL (repeatable; default: nats.server host and port)",
      collect,
    )
    .option("--creds <file>", "system account user creds (default: the store's SYS/sys.creds)")
    .action((names, opts, cmd) =>
      guarded(async () => {
        const { config, log } = await loadFromCli(cmd);
        const store = storeFor(config, opts.dir);
        const out = await pushStoredAccounts(config, store, names, log, {
          urls: opts.server,
          credsFile: opts.creds,
        });
        printPush(out);
      })
    );
}
