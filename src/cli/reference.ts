/** The CLI reference (every command with its arguments and description), for the README. */
import type { Command } from "@commander-js/extra-typings";

type AnyCommand = Command<unknown[], Record<string, unknown>>;

function usage(cmd: AnyCommand, path: string[]): string[] {
  const rows: string[] = [];
  for (const sub of cmd.commands as AnyCommand[]) {
    const p = [...path, sub.name()];
    const args = (sub.registeredArguments ?? []).map((a) =>
      a.required
        ? `<${a.name()}${a.variadic ? "..." : ""}>`
        : `[${a.name()}${a.variadic ? "..." : ""}]`
    ).join(" ");
    if ((sub.commands as AnyCommand[]).length === 0) {
      rows.push(`| \`osapi ${p.join(" ")}${args ? " " + args : ""}\` | ${sub.description()} |`);
    }
    rows.push(...usage(sub, p));
  }
  return rows;
}

/** A Markdown table of every leaf command of `program`. */
export function cliReference(program: Command): string {
  return ["| command | what it does |", "|---|---|", ...usage(program as unknown as AnyCommand, [])]
    .join("\n");
}
