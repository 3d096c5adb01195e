/**
 * `node.log.*`: entries of the host's systemd journal (all, or one unit's) and its log sources
 * (syslog identifiers), read with `journalctl`.
 */
import { z } from "zod";
import { int, str } from "./fields.ts";
import { nodeDomain } from "./node_ops.ts";
import type { InputSchema, OperationDef } from "./define.ts";

/** The journal priorities, most severe first (syslog's levels 0-7). */
export const LOG_PRIORITIES = [
  "emerg",
  "alert",
  "crit",
  "err",
  "warning",
  "notice",
  "info",
  "debug",
] as const;

/** A systemd unit name: no globs, not starting with `-`. */
export const unitName = str({
  description: 'Systemd unit name, e.g. "nginx.service" (without a suffix: a service).',
  minLength: 1,
  maxLength: 256,
  pattern: /^[A-Za-z0-9_:@\\][A-Za-z0-9_.:@\\-]*$/,
  hint: "letters, digits and _ . : @ \\ -, not starting with - or .",
  example: "nginx.service",
});

/**
 * A `--since` time: a duration ("30m", "1h", "2d", read as that long ago), "N <unit> ago",
 * today, yesterday, now, "@<epoch>" or a date "YYYY-MM-DD[ HH:MM[:SS]]".
 */
export const logSince = str({
  description: 'Entries since this time: a duration ("1h" = one hour ago), "2 days ago", ' +
    '"today", "yesterday", "@1767225600" or "2026-01-01 00:00:00".',
  minLength: 1,
  maxLength: 64,
  pattern: new RegExp(
    "^(?:\\d+ ?(?:s|sec|seconds?|m|min|minutes?|h|hours?|d|days?|w|weeks?)(?: ago)?|" +
      "today|yesterday|now|@\\d{1,12}|" +
      "\\d{4}-\\d{2}-\\d{2}(?: \\d{2}:\\d{2}(?::\\d{2})?)?)$",
  ),
  hint: 'a duration such as "1h", "N units ago", today, yesterday, @epoch or a date',
  example: "1h",
});

const priority = z.enum(LOG_PRIORITIES, {
  error: (iss) => `must be one of ${LOG_PRIORITIES.join(", ")} (got ${JSON.stringify(iss.input)})`,
}).meta({ description: "Only entries of this priority or more severe." });

const lines = int({ description: "Maximum number of entries (the newest).", min: 1, max: 10000 })
  .default(100);

const filters = { lines, since: logSince.optional(), priority: priority.optional() };

/** One journal entry. */
export const LogEntry = z.looseObject({
  timestamp: z.string().meta({ description: "RFC 3339 UTC, microseconds" }),
  unit: z.string().optional(),
  identifier: z.string().optional().meta({ description: "the syslog identifier" }),
  priority: z.string().optional(),
  message: z.string(),
  pid: z.int().optional(),
  hostname: z.string().optional(),
});

const entries = z.looseObject({
  entries: z.array(LogEntry),
  truncated: z.boolean().optional().meta({
    description: "older entries were left out to keep the answer small",
  }),
});

const { route, op } = nodeDomain("log", "log", "name", "Log_Management_API_log_operations");

/** A `log:read` query (the journal is only read); the CLI shows a row per `expand` element. */
function query<const In extends InputSchema>(
  def: OperationDef<In>,
  expand?: string,
): OperationDef<In> {
  return {
    ...def,
    kind: "query",
    permission: "log:read",
    ...(expand ? { cli: { ...def.cli, expand } } : {}),
  };
}

/** `node.log.entries`: the newest journal entries. */
export const logEntries = query(
  op(
    "entries",
    "Entries of the systemd journal of the target nodes",
    z.strictObject(filters).meta({ description: "Filters of the entries." }),
    entries,
    route("get", false, "GetNodeLog", "LogCollectionResponse"),
    [],
  ),
  "entries",
);

/** `node.log.unit`: the newest journal entries of one unit. */
export const logUnit = query(
  op(
    "unit",
    "Entries of the systemd journal of one unit",
    z.strictObject({ name: unitName, ...filters }).meta({ description: "Unit and filters." }),
    entries,
    route("get", false, "GetNodeLogUnit", "LogCollectionResponse", {
      path: "/api/node/{hostname}/log/unit/{name}",
      params: { name: "name" },
    }),
    ["name"],
  ),
  "entries",
);

/** `node.log.sources`: the syslog identifiers of the journal. */
export const logSources = query(op(
  "sources",
  "Log sources (syslog identifiers) of the systemd journal",
  z.strictObject({}).meta({ description: "No input." }),
  z.looseObject({ sources: z.array(z.string()) }),
  route("get", false, "GetNodeLogSource", "LogSourceCollectionResponse", {
    path: "/api/node/{hostname}/log/source",
  }),
));

/** Checked input of `node.log.unit` (and, without `name`, of `node.log.entries`). */
export type LogUnitInput = z.output<typeof logUnit.input>;
export type LogEntriesInput = z.output<typeof logEntries.input>;
