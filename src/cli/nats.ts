/** `osapi nats ...`: the supervised nats-server and NATS security tooling. */
import type { Command } from "@commander-js/extra-typings";
import { registerNatsInstall } from "./nats_install.ts";
import { registerNatsServer } from "./nats_server.ts";
import { registerNatsKeys } from "./nats_keys.ts";
import { registerNatsOperator } from "./nats_operator.ts";
import { registerNatsAccount } from "./nats_account.ts";
import { registerNatsUser } from "./nats_user.ts";
import { registerNatsCallout } from "./nats_callout.ts";
import { registerNatsInbox } from "./nats_inbox.ts";

/** Registers the `nats` command group; subcommands register themselves on it below. */
export function registerNats(program: Command): Command {
  const nats = program.command("nats").description("the NATS server and NATS security tooling");
  registerNatsInstall(nats as unknown as Command);
  registerNatsServer(nats as unknown as Command);
  registerNatsKeys(nats as unknown as Command);
  registerNatsOperator(nats as unknown as Command);
  registerNatsAccount(nats as unknown as Command);
  registerNatsUser(nats as unknown as Command);
  registerNatsCallout(nats as unknown as Command);
  registerNatsInbox(nats as unknown as Command);
  return nats as unknown as Command;
}
