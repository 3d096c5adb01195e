/**
 * The completion model, read from the commander program tree (so new commands, options and
 * argument choices are completed without touching the generators): per command its
 * subcommands, options, which options take a value and how that value completes, and how its
 * positional arguments complete.
 */
import type { Command } from "@commander-js/extra-typings";

type AnyCommand = Command<unknown[], Record<string, unknown>>;

/** How a value completes: nothing, file names, directory names, or fixed choices. */
export type ValueKind = { kind: "none" } | { kind: "file" } | { kind: "dir" } | {
  kind: "choices";
  choices: string[];
};

/** One command of the tree. */
export interface CompletionNode {
  /** Subcommand names from the root, e.g. `["client", "system"]`. */
  path: string[];
  subcommands: string[];
  /** Every option spelling (`-f`, `--config`), plus `--help`. */
  options: string[];
  /** Options that take a value, by spelling. */
  valueOptions: Map<string, ValueKind>;
  /** Positional arguments in order; `variadic` repeats the last. */
  args: ValueKind[];
  variadic: boolean;
}

/** Value names that complete as paths (`<file>`, `[file]`, `<path>`, `<dir>`). */
function kindFor(name: string, choices: readonly string[] | undefined): ValueKind {
  if (choices && choices.length > 0) return { kind: "choices", choices: [...choices] };
  if (name === "dir") return { kind: "dir" };
  if (name === "file" || name === "path" || name.endsWith("_file")) return { kind: "file" };
  return { kind: "none" };
}

/** Walks the program into one node per command, root first. */
export function completionTree(program: Command): CompletionNode[] {
  const out: CompletionNode[] = [];
  const walk = (cmd: AnyCommand, path: string[]) => {
    const subs = cmd.commands as AnyCommand[];
    const valueOptions = new Map<string, ValueKind>();
    for (const o of cmd.options) {
      if (!o.required && !o.optional) continue;
      const name = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1]?.replace(/\.\.\.$/, "") ?? "";
      const kind = kindFor(name, o.argChoices);
      for (const f of [o.long, o.short]) if (f) valueOptions.set(f, kind);
    }
    const args = cmd.registeredArguments;
    out.push({
      path,
      subcommands: subs.map((c) => c.name()),
      options: [
        ...cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)),
        "--help",
      ],
      valueOptions,
      args: args.map((a) => kindFor(a.name(), a.argChoices)),
      variadic: args.length > 0 && args[args.length - 1].variadic,
    });
    for (const c of subs) walk(c, [...path, c.name()]);
  };
  walk(program as unknown as AnyCommand, []);
  return out;
}
