/** The error of a configuration that cannot be used (the CLI exits with code 2). */
import type { ConfigIssue } from "./fields.ts";
import { OsapiError } from "../core/errors.ts";

/** A configuration that cannot be used; `issues` name each key, value and what is allowed. */
export class ConfigError extends OsapiError {
  constructor(
    readonly issues: ConfigIssue[],
    readonly source = "configuration",
    options?: ErrorOptions,
  ) {
    super(
      "config.invalid",
      `invalid ${source}:\n` + issues.map((i) => `  - ${i.message}`).join("\n"),
      options,
    );
  }
}
