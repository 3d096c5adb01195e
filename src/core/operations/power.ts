/**
 * `node.power.*`: reboot and shut down a host, always after a delay (at least a minute: never
 * immediately) and with an optional message to logged-in users. Permission `power:execute`.
 */
import { z } from "zod";
import { defineOperation, type RouteDef } from "./define.ts";
import { int, str } from "./fields.ts";
import { nodeRoute } from "./node_ops.ts";

/** The shortest delay of a power action, in seconds (`shutdown` counts whole minutes). */
export const MIN_POWER_DELAY = 60;

/** The power actions. */
export type PowerAction = "reboot" | "shutdown";

const input = z.strictObject({
  delay: int({
    description: `Seconds before the action (default and minimum ${MIN_POWER_DELAY}; rounded ` +
      "up to whole minutes; at most 7 days).",
    min: MIN_POWER_DELAY,
    max: 7 * 24 * 3600,
  }).optional(),
  message: str({
    description: "Message shown to logged-in users (one line, not starting with -).",
    maxLength: 256,
    // deno-lint-ignore no-control-regex
    pattern: /^[^\x00-\x1f\x7f-][^\x00-\x1f\x7f]*$/,
    hint: "one line not starting with -",
    example: "Kernel update: rebooting in 5 minutes",
  }).optional(),
}).meta({
  description: `Schedules the action after delay seconds (at least ${MIN_POWER_DELAY}), ` +
    "replacing one already scheduled.",
});

const result = z.looseObject({
  action: z.enum(["reboot", "shutdown"]),
  delay: z.int().meta({ description: "seconds until the action (whole minutes)" }),
  changed: z.boolean(),
  message: z.string().optional(),
  recorded: z.string().optional().meta({
    description: "where the request was recorded instead of run (a root other than /)",
  }),
});

const TAG = "Power_Management_API_power_operations";

function powerOperation(action: PowerAction, operationId: string, collection: string) {
  const route: RouteDef = nodeRoute("post", `power/${action}`, operationId, TAG, collection, {
    request: "PowerRequest",
  });
  return defineOperation({
    type: `node.power.${action}`,
    kind: "modify",
    permission: "power:execute",
    summary: action === "reboot"
      ? "Reboot the target nodes after a delay"
      : "Shut down the target nodes after a delay",
    input,
    result,
    routes: [route],
    cli: { command: ["node", "power", action], args: [] },
    provider: `power_${action}`,
  });
}

/** `node.power.reboot`: `shutdown -r +<minutes>`. */
export const powerReboot = powerOperation("reboot", "PostNodePowerReboot", "PowerRebootResponse");

/** `node.power.shutdown`: `shutdown -h +<minutes>`. */
export const powerShutdown = powerOperation(
  "shutdown",
  "PostNodePowerShutdown",
  "PowerShutdownResponse",
);

/** Checked input of the power operations. */
export type PowerInput = z.output<typeof powerReboot.input>;
