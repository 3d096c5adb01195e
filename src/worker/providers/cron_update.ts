/** `node.cron.update`: changes the command, schedule or user of a managed cron entry. */
import { cronUpdate as cronUpdateOp } from "../../core/operations/cron.ts";
import { OperationInputError } from "../../core/job.ts";
import { editEntry, inputCommand } from "./cron_config.ts";
import { provide } from "./types.ts";

/** Applies the fields given; a schedule moves an interval entry to cron.d. */
export const cronUpdate = provide(cronUpdateOp, async (input, ctx) => {
  const given = await inputCommand(ctx, input);
  const changed = await editEntry(ctx, input.name, (current) => {
    if (!current) {
      throw new OperationInputError(`no cron entry ${input.name} on this host`, "name");
    }
    const command = given ?? current.command;
    const schedule = input.schedule ?? current.schedule;
    if (schedule === undefined) {
      if (input.user !== undefined) {
        throw new OperationInputError(
          `cron entry ${input.name} runs ${current.interval} as root; give a schedule to set a user`,
          "user",
        );
      }
      return { ...current, command };
    }
    return {
      name: input.name,
      source: "cron.d",
      schedule,
      user: input.user ?? current.user ?? "root",
      command,
    };
  });
  return { name: input.name, changed };
});

export default cronUpdate;
