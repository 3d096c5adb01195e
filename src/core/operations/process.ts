/**
 * `node.process.*`: the processes of the running system (read from `/proc` under the
 * provider's root) and signals sent to them (live system only).
 */
import { z } from "zod";
import { int } from "./fields.ts";
import { nodeDomain } from "./node_ops.ts";

/** The signals a caller may send (OSAPI's list). */
export const PROCESS_SIGNALS = ["TERM", "KILL", "HUP", "INT", "USR1", "USR2"] as const;
/** A signal name of {@link PROCESS_SIGNALS}. */
export type ProcessSignal = typeof PROCESS_SIGNALS[number];

/** A process id (Linux caps pids at 2^22). */
export const processId = int({ description: "Process identifier (PID).", min: 1, max: 4194304 });

const signal = z.enum(PROCESS_SIGNALS, {
  error: (iss) =>
    iss.input === undefined
      ? "is required"
      : `must be one of ${PROCESS_SIGNALS.join(", ")} (got ${JSON.stringify(iss.input)})`,
}).meta({ description: "Signal name to send to the process.", example: "TERM" });

/** One process. */
export const ProcessInfo = z.looseObject({
  pid: z.int(),
  name: z.string().meta({ description: "the command name (comm)" }),
  user: z.string().meta({ description: "the real user (name, or uid when unknown)" }),
  state: z.string().meta({ description: "running, sleeping, disk-sleep, stopped, zombie, ..." }),
  cpu_percent: z.number().meta({ description: "CPU time over the process lifetime, percent" }),
  mem_percent: z.number().meta({ description: "resident memory as percent of total memory" }),
  mem_rss: z.int().meta({ description: "resident set size in bytes" }),
  command: z.string().meta({ description: "the command line (the name in [] for threads)" }),
  start_time: z.string().meta({ description: "start time, RFC 3339 UTC" }),
});

const { route, op } = nodeDomain(
  "process",
  "process",
  "pid",
  "Process_Management_API_process_operations",
);

const pidInput = z.strictObject({ pid: processId });

const listOp = op(
  "list",
  "List the processes of the target nodes",
  z.strictObject({}).meta({ description: "No input." }),
  z.looseObject({
    processes: z.array(ProcessInfo),
    truncated: z.boolean().optional().meta({
      description: "the highest pids were left out to keep the answer small",
    }),
  }),
  route("get", false, "GetNodeProcess", "ProcessCollectionResponse"),
);

/** `node.process.list`: every process of the host (the CLI shows one row per process). */
export const processList: typeof listOp = {
  ...listOp,
  cli: { ...listOp.cli, expand: "processes" },
};

/** `node.process.get`: one process by pid. */
export const processGet = op(
  "get",
  "Get a process by PID",
  pidInput,
  z.looseObject({ process: ProcessInfo }),
  route("get", true, "GetNodeProcessByPid", "ProcessGetResponse"),
);

const signalOp = op(
  "signal",
  "Send a signal to a process (never pid 1 or the worker itself)",
  z.strictObject({ pid: processId, signal }).meta({
    description: "Sends signal to the process; changed is true when it was sent.",
  }),
  z.looseObject({ pid: z.int(), signal: z.string(), changed: z.boolean() }),
  route("post", true, "PostNodeProcessSignal", "ProcessSignalResponse", {
    path: "/api/node/{hostname}/process/{pid}/signal",
    request: "ProcessSignalRequest",
  }),
);

/** `node.process.signal`: sends a signal (OSAPI's `process:execute`, as commands). */
export const processSignal: typeof signalOp = { ...signalOp, permission: "process:execute" };

/** Checked input of `node.process.signal`. */
export type ProcessSignalInput = z.output<typeof processSignal.input>;
