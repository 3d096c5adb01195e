/** `node.timezone.*`: the system time zone (`/etc/timezone` and the `/etc/localtime` link). */
import { z } from "zod";
import { str } from "./fields.ts";
import { nodeOperation, nodeRoute } from "./node_ops.ts";

const TAG = "Timezone_Management_API_timezone_operations";

/** An IANA time zone name: `/`-separated parts of letters, digits, `_`, `+` and `-`. */
export const timezoneName = str({
  description: 'IANA time zone name, e.g. "Europe/Berlin" or "UTC".',
  minLength: 1,
  maxLength: 64,
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_+-]*)*$/,
  hint: "an IANA name such as Area/City",
  example: "America/New_York",
});

/** `node.timezone.get`: the time zone of the host and its current UTC offset. */
export const timezoneGet = nodeOperation("timezone", "get", {
  summary: "Time zone of the target nodes",
  input: z.strictObject({}).meta({ description: "No input." }),
  result: z.looseObject({
    timezone: z.string(),
    utc_offset: z.string().optional().meta({ description: 'now, e.g. "+05:30"' }),
  }),
  route: nodeRoute("get", "timezone", "GetNodeTimezone", TAG, "TimezoneCollectionResponse"),
});

/** `node.timezone.update`: sets the time zone (it must exist in the host's zoneinfo). */
export const timezoneUpdate = nodeOperation("timezone", "update", {
  summary: "Set the time zone of the target nodes",
  input: z.strictObject({ timezone: timezoneName }).meta({
    description: "Sets the time zone; unchanged when it already is the one given.",
  }),
  result: z.looseObject({ timezone: z.string(), changed: z.boolean() }),
  route: nodeRoute("put", "timezone", "PutNodeTimezone", TAG, "TimezoneUpdateResponse", {
    request: "TimezoneUpdateRequest",
  }),
});

/** Checked input of `node.timezone.update`. */
export type TimezoneUpdateInput = z.output<typeof timezoneUpdate.input>;
