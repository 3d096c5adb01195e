/** `node.cron.create`: a new cron entry on a schedule (cron.d) or an interval. */
import { cronCreate as cronCreateOp } from "../../core/operations/cron.ts";
import { OperationInputError } from "../../core/job.ts";
import { type CronEntry, editEntry, inputCommand, renderCronEntry } from "./cron_config.ts";
import { provide } from "./types.ts";

/** Writes the entry; unchanged when the same one exists, refused when another one does. */
export const cronCreate = provide(cronCreateOp, async (input, ctx) => {
  const command = (await inputCommand(ctx, input))!;
  const wanted: CronEntry = input.interval
    ? { name: input.name, source: input.interval, interval: input.interval, command }
    : {
      name: input.name,
      source: "cron.d",
      schedule: input.schedule,
      user: input.user ?? "root",
      command,
    };
  const changed = await editEntry(ctx, input.name, (current) => {
    if (
      current &&
      (current.source !== wanted.source || renderCronEntry(current) !== renderCronEntry(wanted))
    ) {
      throw new OperationInputError(
        `cron entry ${input.name} already exists with other settings; change it with ` +
          `PUT /api/node/{hostname}/schedule/cron/${input.name}`,
        "name",
      );
    }
    return wanted;
  });
  return { name: input.name, changed };
});

export default cronCreate;
