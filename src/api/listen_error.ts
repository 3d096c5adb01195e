/** A listen failure of the API server turned into an error naming the key and how to change it. */
import { bindFailure, overrideHint } from "../config/listen_hint.ts";

/** The API's port could not be bound; the message names the key and its overrides. */
export class ListenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ListenError";
  }
}

/** Runs `listen`; a port in use (or not bindable) becomes a {@link ListenError}. */
export function listenOrExplain<T>(key: string, port: number, listen: () => T): T {
  try {
    return listen();
  } catch (e) {
    const why = bindFailure(e, "another osapi");
    if (!why) throw e;
    throw new ListenError(`${key}: port ${port} ${why}; ${overrideHint(key, "<port>")}`, {
      cause: e,
    });
  }
}
