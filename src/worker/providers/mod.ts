/**
 * The providers of an operation table, loaded by name: operation `op` runs the default export
 * of `./<op.provider>.ts`. A new operation's provider file needs no registration here.
 * (`scripts/build.ts` passes `--include src/worker/providers` to `deno compile`.)
 */
import { OPERATIONS, type OperationTable } from "../../core/operations/mod.ts";
import type { Provider } from "./types.ts";

export type { Provider, ProviderContext } from "./types.ts";
export { provide } from "./types.ts";

/** Providers by operation type. */
export type ProviderMap = Map<string, Provider>;

/**
 * Loads the provider of every operation of `table` (default: the shipped table). Throws when a
 * provider module is missing or serves another operation type.
 */
export async function loadProviders(table: OperationTable = OPERATIONS): Promise<ProviderMap> {
  const out: ProviderMap = new Map();
  for (const op of table.values()) {
    if (!/^[a-z0-9_]+$/.test(op.provider)) {
      throw new Error(`operation ${op.type}: bad provider module name ${op.provider}`);
    }
    const mod = await import(`./${op.provider}.ts`) as { default?: Provider };
    const p = mod.default;
    if (!p || p.type !== op.type) {
      throw new Error(
        `operation ${op.type}: src/worker/providers/${op.provider}.ts must export its provider ` +
          `as default (found ${p ? p.type : "none"})`,
      );
    }
    out.set(op.type, p);
  }
  return out;
}
