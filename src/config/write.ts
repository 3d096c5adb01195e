/** Writing configurations back out: the commented default (`config init`), the merged view
 * with secrets redacted (`config show`), and the Markdown key reference for the README. */
import { stringify } from "yaml";
import type { Leaf, Node, Shape } from "./fields.ts";
import { type Config, schema } from "./schema.ts";
import { entries, envName } from "./walk.ts";

const REDACTED = "****";

function formatNode(node: Node, value: unknown, redact: boolean): unknown {
  switch (node.node) {
    case "leaf": {
      const leaf = node as Leaf<unknown>;
      if (redact && leaf.secret && value !== "") return REDACTED;
      return leaf.format(value);
    }
    case "section":
      return Object.fromEntries(
        Object.entries(node.children as Shape).map((
          [k, child],
        ) => [k, formatNode(child, (value as Record<string, unknown>)[k], redact)]),
      );
    case "list":
      return (value as unknown[]).map((item) => formatNode(node.item, item, redact));
    case "map":
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map((
          [k, v],
        ) => [k, formatNode(node.value, v, redact)]),
      );
  }
}

/** The merged configuration as YAML, secrets replaced by `****`. */
export function showYaml(config: Config): string {
  return stringify(formatNode(schema, config, true), { lineWidth: 0 });
}

function yamlScalar(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function initLines(node: Node, key: string, indent: string, out: string[]): void {
  const doc = node.node === "leaf" ? (node as Leaf<unknown>).doc : node.doc;
  if (doc) out.push(`${indent}# ${doc}`);
  if (node.node === "section") {
    out.push(`${indent}${key}:`);
    for (const [k, child] of Object.entries(node.children as Shape)) {
      initLines(child, k, indent + "  ", out);
    }
    return;
  }
  const value = node.node === "leaf"
    ? (node as Leaf<unknown>).format(node.default)
    : formatNode(node, node.default, false);
  const text = yamlScalar(value);
  if (text.includes("\n")) {
    out.push(`${indent}${key}:`);
    for (const line of text.split("\n")) out.push(`${indent}  ${line}`);
  } else {
    out.push(`${indent}${key}: ${text}`);
  }
  if (node.node === "list") {
    const example = Object.keys(node.item.children).map((k) => `${k}: ...`).join(", ");
    out.push(`${indent}#   - { ${example} }`);
  }
}

/** The commented default configuration written by `osapi config init`. */
export function initYaml(): string {
  const out = [
    "# osapi configuration. Every key is shown with its default; delete what you do not change.",
    "# Each key can be overridden by an environment variable: OSAPI_ + the upper-cased key path",
    "# joined with _ (nats.server.auth.type -> OSAPI_NATS_SERVER_AUTH_TYPE).",
  ];
  for (const [k, child] of Object.entries(schema.children as Shape)) {
    out.push("");
    initLines(child, k, "", out);
  }
  return out.join("\n") + "\n";
}

/** The Markdown table of every key: key, environment variable, default, description. */
export function referenceTable(): string {
  const rows = ["| key | environment variable | default | description |", "|---|---|---|---|"];
  for (const { path, node } of entries(schema)) {
    const dflt = node.node === "leaf"
      ? (node as Leaf<unknown>).format(node.default)
      : node.node === "section"
      ? {}
      : node.default;
    const shown = JSON.stringify(dflt);
    const doc = node.node === "leaf" ? (node as Leaf<unknown>).doc : node.doc;
    rows.push(
      `| \`${path.join(".")}\` | \`${envName(path)}\` | \`${shown}\` | ${
        doc.replaceAll("|", "\\|")
      } |`,
    );
  }
  return rows.join("\n");
}
