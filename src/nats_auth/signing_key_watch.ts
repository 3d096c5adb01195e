/**
 * The API token signing key as the callout sees it: re-read whenever the key file appears or
 * its mtime/size changes (checked at most every `checkMs`), so that a callout started before
 * the API generated its key, or one running while the key is rotated, verifies tokens with the
 * current key without a restart. A configured `api.server.security.signing_key` is fixed.
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { loadSigningKey } from "../api_auth/signing_key.ts";
import { signingKeyPath } from "../config/state_layout.ts";

/** Returns the current signing key ("" while there is none). */
export type SigningKeySource = () => Promise<string>;

/** Options of {@link watchedSigningKey}. */
export interface WatchedSigningKeyOptions {
  /** Minimum time between two stat calls of the key file, in ms (default 1000). */
  checkMs?: number;
  log?: Logger;
}

/** A {@link SigningKeySource} following `<data_dir>/api/signing.key` (never creating it). */
export function watchedSigningKey(
  config: Config,
  opts: WatchedSigningKeyOptions = {},
): SigningKeySource {
  const configured = config.api.server.security.signing_key;
  if (configured !== "") return () => Promise.resolve(configured);
  const path = signingKeyPath(config);
  const checkMs = opts.checkMs ?? 1000;
  let key = "";
  let stamp = "";
  let checkedAt = -Infinity;
  let pending: Promise<string> | undefined;
  const refresh = async (): Promise<string> => {
    checkedAt = Date.now();
    let now = "";
    try {
      const st = await Deno.stat(path);
      now = `${st.mtime?.getTime() ?? 0}:${st.size}:${st.ino ?? 0}`;
    } catch {
      now = "";
    }
    if (now === stamp) return key;
    stamp = now;
    const before = key;
    try {
      key = now === "" ? "" : (await loadSigningKey(config, { create: false })).key;
    } catch (e) {
      key = "";
      opts.log?.warn("API tokens will be refused", { reason: (e as Error).message });
    }
    if (key !== before) {
      if (key) opts.log?.info("API token signing key loaded", { path });
      else opts.log?.warn("API signing key is gone; API tokens will be refused", { path });
    }
    return key;
  };
  return () => {
    if (Date.now() - checkedAt < checkMs) return Promise.resolve(key);
    return pending ??= refresh().finally(() => pending = undefined);
  };
}
