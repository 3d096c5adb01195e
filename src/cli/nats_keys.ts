/** `osapi nats keys generate`: NKeys for operator mode, users and callout encryption. */
import type { Command } from "@commander-js/extra-typings";
import { generateKey, KEY_TYPES, parseKeyType, writeSeedFile } from "../nats_auth/nats_keys.ts";
import { CliError, EXIT_CONFIG } from "./context.ts";
import { guarded } from "./nats_security.ts";

/** Registers `nats keys` on the `nats` group. */
export function registerNatsKeys(nats: Command): void {
  const keys = nats.command("keys").description("NATS NKeys (ed25519 and curve)");
  keys.command("generate")
    .description(
      "generate a key; the seed goes to --out (0600) or stdout, the public key is printed",
    )
    .requiredOption("--type <type>", `key type: ${KEY_TYPES.join(", ")}`)
    .option("--out <file>", "write the seed to this file (mode 0600)")
    .option("--force", "overwrite an existing --out file")
    .action((opts) =>
      guarded(async () => {
        const type = parseKeyType(opts.type);
        const key = generateKey(type);
        if (!opts.out) {
          console.error(`public key: ${key.publicKey}`);
          console.log(key.seed);
          return;
        }
        if (!opts.force) {
          const exists = await Deno.stat(opts.out).then(() => true, () => false);
          if (exists) {
            throw new CliError(`${opts.out} exists; use --force to overwrite it`, EXIT_CONFIG);
          }
        }
        await writeSeedFile(opts.out, key.seed);
        console.error(`wrote ${type} seed to ${opts.out} (mode 600)`);
        console.log(key.publicKey);
      })
    );
}
