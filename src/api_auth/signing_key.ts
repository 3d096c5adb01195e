/**
 * The HS256 signing key of API tokens: `api.server.security.signing_key` when set, else the key
 * kept in `<data_dir>/api/signing.key` (0600), generated on first use.
 */
import type { Config } from "../config/schema.ts";
import { ensurePrivateDir, readOwnSecretFile, writeSecretFile } from "../config/paths.ts";
import { apiStateDir, signingKeyPath } from "../config/state_layout.ts";
import { OsapiError } from "../core/errors.ts";

/** Where the signing key came from. */
export type SigningKeySource = "config" | "file" | "generated";

/** Options of {@link loadSigningKey}. */
export interface LoadSigningKeyOptions {
  /** Generate and store a key when none exists (default true). */
  create?: boolean;
  /** Told when the key file was readable by others (its mode is then set to 0600). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Returns the signing key and where it came from. With `create: false` and no key anywhere,
 * throws an error naming the key path and the configuration key.
 */
export async function loadSigningKey(
  config: Config,
  opts: LoadSigningKeyOptions = {},
): Promise<{ key: string; source: SigningKeySource; path?: string }> {
  const configured = config.api.server.security.signing_key;
  if (configured !== "") return { key: configured, source: "config" };
  const path = signingKeyPath(config);
  const stored = (await readOwnSecretFile(path, "API signing key", opts.warn))?.trim();
  if (stored) return { key: stored, source: "file", path };
  if (opts.create === false) {
    throw new OsapiError(
      "config.invalid",
      `no API signing key: set api.server.security.signing_key or start the API once to ` +
        `generate ${path}`,
    );
  }
  await ensurePrivateDir(apiStateDir(config));
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  await writeSecretFile(path, key + "\n");
  return { key, source: "generated", path };
}
