/**
 * Keeps the README's generated sections (configuration keys, CLI commands, coverage of OSAPI's
 * current API) in step with the code. `deno run -A scripts/readme.ts` rewrites them; `--check`
 * exits 1 when they are stale. The coverage block is left as it is on a machine without the
 * reference document.
 */
import { referenceTable } from "../src/config/write.ts";
import { cliReference } from "../src/cli/reference.ts";
import { buildProgram } from "../src/cli/mod.ts";
import { coverage, coverageMarkdown, osapiDocument, referenceDocument } from "./head_coverage.ts";

/** The generated sections, by marker name (undefined: cannot be computed here, left as is). */
export function sections(): Record<string, string | undefined> {
  const reference = referenceDocument();
  return {
    "config-keys": referenceTable(),
    "cli-commands": cliReference(buildProgram()),
    "head-coverage": reference ? coverageMarkdown(coverage(reference, osapiDocument())) : undefined,
  };
}

/** Replaces every `<!-- name:start -->...<!-- name:end -->` block with its generated text. */
export function render(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections())) {
    const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`README.md has no ${name} markers`);
    if (body === undefined) continue;
    out = out.replace(re, (_m, a, b) => `${a}${body}\n${b}`);
  }
  return out;
}

if (import.meta.main) {
  const path = new URL("../README.md", import.meta.url);
  const current = await Deno.readTextFile(path);
  const next = render(current);
  if (Deno.args.includes("--check")) {
    if (next !== current) {
      console.error("README.md is stale: run `deno run -A scripts/readme.ts`");
      Deno.exit(1);
    }
  } else if (next !== current) {
    await Deno.writeTextFile(path, next);
    console.error("README.md updated");
  }
}
