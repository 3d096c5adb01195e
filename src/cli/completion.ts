/** `osapi completion <bash|zsh|fish>`: shell completion scripts generated from the command tree. */
import type { Command } from "@commander-js/extra-typings";
import { CliError, EXIT_CONFIG } from "./context.ts";

type AnyCommand = Command<unknown[], Record<string, unknown>>;

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(cmd: AnyCommand, path: string[], out: Node[]): void {
  const subs = cmd.commands as AnyCommand[];
  out.push({
    path,
    subcommands: subs.map((c) => c.name()),
    options: cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)),
  });
  for (const c of subs) walk(c, [...path, c.name()], out);
}

function bash(nodes: Node[]): string {
  const cases = nodes.map((n) =>
    `    "${n.path.join(" ")}") words="${[...n.subcommands, ...n.options, "--help"].join(" ")}" ;;`
  );
  return `# bash completion for osapi
_osapi() {
  local cur path w words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) path="\${path:+$path }$w" ;; esac
  done
  while :; do
    case "$path" in
${cases.join("\n")}
    *) if [ "$path" = "\${path% *}" ]; then path=""; else path="\${path% *}"; fi; continue ;;
    esac
    break
  done
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _osapi osapi
`;
}

function zsh(nodes: Node[]): string {
  return `#compdef osapi
# zsh completion for osapi (uses bash completion through bashcompinit)
autoload -U +X bashcompinit && bashcompinit
${bash(nodes)}`;
}

function fish(nodes: Node[]): string {
  const lines = ["# fish completion for osapi", "complete -c osapi -f"];
  for (const n of nodes) {
    const cond = n.path.length === 0
      ? "__fish_use_subcommand"
      : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const s of n.subcommands) lines.push(`complete -c osapi -n '${cond}' -a ${s}`);
    for (const o of n.options.filter((o) => o.startsWith("--"))) {
      lines.push(`complete -c osapi -n '${cond}' -l ${o.slice(2)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Registers `completion`. */
export function registerCompletion(program: Command): void {
  program.command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", "bash|zsh|fish")
    .action((shell) => {
      const nodes: Node[] = [];
      walk(program as unknown as AnyCommand, [], nodes);
      const gen = { bash, zsh, fish }[shell];
      if (!gen) {
        throw new CliError(
          `unknown shell ${JSON.stringify(shell)}; expected bash, zsh or fish`,
          EXIT_CONFIG,
        );
      }
      console.log(gen(nodes));
    });
}
