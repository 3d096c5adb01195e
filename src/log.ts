/** A small structured logger writing to stderr, as text or JSON lines. */

/** Log levels, lowest first. */
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Fields attached to a log line. Never put secrets here. */
export type Fields = Record<string, unknown>;

/** Where log lines go (replaceable in tests). */
export type Sink = (line: string) => void;

const encoder = new TextEncoder();
const stderrSink: Sink = (line) => {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
};

/** A logger with a component name. */
export class Logger {
  constructor(
    readonly component: string,
    readonly level: Level = "info",
    readonly format: "text" | "json" = "text",
    readonly sink: Sink = stderrSink,
  ) {}

  /** A logger for a sub-component sharing level, format and sink. */
  child(component: string): Logger {
    return new Logger(component, this.level, this.format, this.sink);
  }

  log(level: Level, msg: string, fields: Fields = {}): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const time = new Date().toISOString();
    if (this.format === "json") {
      this.sink(JSON.stringify({ time, level, component: this.component, msg, ...fields }));
      return;
    }
    const extra = Object.entries(fields).map(([k, v]) =>
      `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`
    ).join(" ");
    this.sink(
      `${time} ${level.toUpperCase().padEnd(5)} [${this.component}] ${msg}${
        extra ? " " + extra : ""
      }`,
    );
  }
  debug(msg: string, fields?: Fields): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Fields): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Fields): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.log("error", msg, fields);
  }
}

/** A logger that drops everything (tests, quiet commands). */
export const silent = new Logger("silent", "error", "text", () => {});
