/**
 * `node.cron.*`: cron entries osapi manages, by name: `/etc/cron.d/<name>` (a schedule and a
 * user) or `/etc/cron.<interval>/<name>` (hourly, daily, weekly, monthly; run as root).
 */
import { z } from "zod";
import { str } from "./fields.ts";
import { nodeDomain } from "./node_ops.ts";
import { addIssues, contentType, objectName, sourceIssues } from "./object_source.ts";

/** The intervals of `/etc/cron.<interval>/`. */
export const CRON_INTERVALS = ["hourly", "daily", "weekly", "monthly"] as const;
/** A cron interval. */
export type CronInterval = typeof CRON_INTERVALS[number];

const FIELD = "(?:\\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/[0-9]+)?";
const FIELD_LIST = `${FIELD}(?:,${FIELD})*`;
const SCHEDULE = new RegExp(
  `^(?:@(?:reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|` +
    `${FIELD_LIST}(?: ${FIELD_LIST}){4})$`,
);

/** A cron entry name: the file name under `/etc/cron.d` or `/etc/cron.<interval>`. */
export const cronName = str({
  description: "Entry name (the file name): letters, digits, _ and -.",
  minLength: 1,
  maxLength: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  hint: "letters, digits, _ and -",
  example: "backup-db",
});

const schedule = str({
  description: 'Five cron fields ("*/5 * * * *") or @reboot, @hourly, @daily, @weekly, ' +
    "@monthly, @yearly, @annually, @midnight.",
  minLength: 1,
  maxLength: 256,
  pattern: SCHEDULE,
  hint: "five fields separated by single spaces, or an @keyword",
  example: "30 2 * * *",
});

const user = str({
  description: "User the entry runs as (cron.d entries; default root).",
  minLength: 1,
  maxLength: 32,
  pattern: /^[a-z_][a-z0-9_-]*\$?$/,
  hint: "a user name: a-z 0-9 _ -, starting with a letter or _",
  example: "root",
});

/** A cron command: one line, not blank (inline, or the text of an object). */
export const cronCommand = str({
  description: "osapi: the command line run by cron's shell (one line); or give object.",
  minLength: 1,
  maxLength: 4096,
  pattern: /^[^\r\n]*\S[^\r\n]*$/,
  hint: "one line, not blank",
  example: "/usr/local/bin/backup --quiet",
});

const cronObject = objectName.meta({
  description: "Name of a file of the object store (POST /api/file) holding the command " +
    "(one line; a trailing newline is dropped).",
});

const interval = z.enum(CRON_INTERVALS, {
  error: (iss) => `must be one of ${CRON_INTERVALS.join(", ")} (got ${JSON.stringify(iss.input)})`,
}).meta({ description: "Run from /etc/cron.<interval>/ instead of on a schedule." });

/** One managed entry. */
export const CronEntry = z.looseObject({
  name: z.string(),
  schedule: z.string().optional(),
  interval: z.enum(CRON_INTERVALS).optional(),
  source: z.string().meta({ description: "cron.d, hourly, daily, weekly or monthly" }),
  user: z.string().optional(),
  command: z.string(),
});

const { route, op, list, get, remove } = nodeDomain(
  "cron",
  "schedule/cron",
  "name",
  "Schedule_Management_API_cron_operations",
);

const mutation = z.looseObject({ name: z.string(), changed: z.boolean() });

const nameInput = z.strictObject({ name: cronName });

/** `node.cron.list`: every entry osapi manages on the host. */
export const cronList = list(
  "List the cron entries osapi manages",
  CronEntry,
  "GetNodeScheduleCron",
  "CronCollectionResponse",
);

/** `node.cron.get`: one managed entry. */
export const cronGet = get(
  "Get a cron entry osapi manages",
  nameInput,
  CronEntry,
  "GetNodeScheduleCronByName",
  "CronGetResponse",
);

/** `node.cron.create`: a new entry on a schedule (cron.d) or an interval. */
export const cronCreate = op(
  "create",
  "Create a cron entry",
  z.strictObject({
    name: cronName,
    command: cronCommand.optional(),
    object: cronObject.optional(),
    content_type: contentType.optional(),
    schedule: schedule.optional(),
    interval: interval.optional(),
    user: user.optional(),
  }).meta({
    description: "Creates an entry running command (or the one-line command held by object, " +
      "a file of /api/file) on a schedule (as user) or an interval; unchanged when the same " +
      "entry exists (another one: use PUT).",
  }).check((ctx) => {
    const v = ctx.value;
    addIssues(ctx, sourceIssues(v, "command", true));
    const issue = (message: string, field: string) =>
      ctx.issues.push({ code: "custom", message, input: v, path: [field] });
    if ((v.schedule === undefined) === (v.interval === undefined)) {
      issue("give either schedule or interval", "schedule");
    } else if (v.interval !== undefined && v.user !== undefined) {
      issue("applies to scheduled entries only (interval entries run as root)", "user");
    }
  }),
  mutation,
  route("post", false, "PostNodeScheduleCron", "CronCreateResponse", {
    request: "CronCreateRequest",
  }),
  ["name", "command"],
);

/** `node.cron.update`: changes the command, schedule or user of a managed entry. */
export const cronUpdate = op(
  "update",
  "Update a cron entry osapi manages",
  z.strictObject({
    name: cronName,
    command: cronCommand.optional(),
    object: cronObject.optional(),
    content_type: contentType.optional(),
    schedule: schedule.optional(),
    user: user.optional(),
  }).meta({
    description: "Changes the fields given of a managed entry (command or object: its " +
      "command); a schedule moves an interval entry to /etc/cron.d.",
  }).check((ctx) => {
    const v = ctx.value;
    addIssues(ctx, sourceIssues(v, "command", false));
    if (
      v.command === undefined && v.object === undefined && v.schedule === undefined &&
      v.user === undefined
    ) {
      ctx.issues.push({
        code: "custom",
        message: "give command, object, schedule or user",
        input: v,
        path: ["command"],
      });
    }
  }),
  mutation,
  route("put", true, "PutNodeScheduleCron", "CronUpdateResponse", {
    request: "CronUpdateRequest",
  }),
  ["name"],
);

/** `node.cron.delete`: removes a managed entry. */
export const cronDelete = remove(
  "Delete a cron entry osapi manages",
  nameInput,
  mutation,
  "DeleteNodeScheduleCron",
  "CronDeleteResponse",
);

/** Checked inputs of the cron operations. */
export type CronCreateInput = z.output<typeof cronCreate.input>;
export type CronUpdateInput = z.output<typeof cronUpdate.input>;
