/**
 * nats-server.conf text: quoting (no value can inject syntax), bcrypt hash detection and a small
 * writer for indented blocks. Used by the server's renderer and by the NATS auth fragments; a
 * leaf: imports nothing of osapi but the pure core.
 */
import { OsapiError } from "../core/errors.ts";

/** The configuration cannot be rendered; the message names the key, never a secret. */
export class RenderError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("server.render", message, options);
  }
}

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** True when `value` is a bcrypt hash (`$2a$`, `$2b$`, `$2y$`), kept as it is when rendering. */
export function isBcryptHash(value: string): boolean {
  return BCRYPT_HASH.test(value);
}

/**
 * Quotes a string for nats-server.conf: double quotes, with `"` and `\` escaped and every control
 * character written as an escape, so a value can never end the string or start a new line.
 */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

type Scalar = string | number | boolean;

/** A tiny writer for indented nats-server.conf blocks. */
export class ConfWriter {
  #lines: string[] = [];
  #depth = 0;

  #push(text: string): void {
    this.#lines.push("  ".repeat(this.#depth) + text);
  }
  comment(text: string): void {
    for (const l of text.split("\n")) this.#push(`# ${l.replace(/\p{Cc}/gu, " ")}`);
  }
  blank(): void {
    this.#lines.push("");
  }
  value(key: string, v: Scalar): void {
    this.#push(`${key}: ${scalar(v)}`);
  }
  list(key: string, values: Scalar[]): void {
    if (values.length === 0) {
      this.#push(`${key}: []`);
      return;
    }
    this.#push(`${key}: [`);
    this.#depth++;
    for (const v of values) this.#push(scalar(v));
    this.#depth--;
    this.#push("]");
  }
  /** A list of maps, one per entry. */
  maps(key: string, entries: (() => void)[]): void {
    this.#push(`${key}: [`);
    this.#depth++;
    for (const e of entries) this.block(null, e);
    this.#depth--;
    this.#push("]");
  }
  block(key: string | null, body: () => void): void {
    this.#push(key === null ? "{" : `${key} {`);
    this.#depth++;
    body();
    this.#depth--;
    this.#push("}");
  }
  raw(text: string): void {
    for (const l of text.trimEnd().split("\n")) this.#push(l);
  }
  text(): string {
    return this.#lines.join("\n") + "\n";
  }
}

function scalar(v: Scalar): string {
  if (typeof v === "string") return quote(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (!Number.isFinite(v)) throw new RenderError(`cannot render the number ${v}`);
  return String(v);
}
