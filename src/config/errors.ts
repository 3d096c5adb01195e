/** The error of a configuration that cannot be used (the CLI exits with code 2). */
import type { ConfigIssue } from "./fields.ts";

/** A configuration that cannot be used; `issues` name each key, value and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[], readonly source = "configuration") {
    super(
      `invalid ${source}:\n` + issues.map((i) => `  - ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
