/**
 * `node.ntp.*`: the NTP servers osapi manages, in a drop-in of the host's NTP client (chrony's
 * `/etc/chrony/sources.d/osapi.sources` or systemd-timesyncd's
 * `/etc/systemd/timesyncd.conf.d/osapi.conf`), and the synchronisation status.
 */
import { z } from "zod";
import { isHostName, isIpAddress, str, strList } from "./fields.ts";
import { nodeOperation, nodeRoute } from "./node_ops.ts";

const TAG = "NTP_Management_API_ntp_operations";

/** An NTP server: an IP address or a host name. */
export const ntpServer = str({
  description: "NTP server: an IP address or a host name.",
  minLength: 1,
  maxLength: 253,
  example: "time.example.com",
}).refine((v) => isIpAddress(v) || isHostName(v), {
  error: (iss) =>
    `${JSON.stringify(iss.input)} is not an IP address or a host name (RFC 1123 labels)`,
});

const servers = strList(ntpServer, {
  description: "The NTP servers, in order of preference.",
  minItems: 1,
  maxItems: 16,
}).refine((v) => new Set(v).size === v.length, { error: "must not repeat a server" });

const serversInput = (description: string) => z.strictObject({ servers }).meta({ description });

const mutation = z.looseObject({
  changed: z.boolean(),
  backend: z.string().optional().meta({ description: "chrony or timesyncd" }),
});

/** `node.ntp.get`: the NTP client, its servers and (live hosts) the synchronisation status. */
export const ntpGet = nodeOperation("ntp", "get", {
  summary: "NTP status and configured servers of the target nodes",
  input: z.strictObject({}).meta({ description: "No input." }),
  result: z.looseObject({
    backend: z.string().meta({ description: "chrony or timesyncd" }),
    managed: z.boolean().meta({ description: "whether osapi's drop-in sets the servers" }),
    servers: z.array(z.string()),
    synchronized: z.boolean().optional(),
    stratum: z.int().optional(),
    offset: z.string().optional().meta({ description: 'e.g. "+0.000012s"' }),
    current_source: z.string().optional(),
    status_error: z.string().optional().meta({
      description: "why the synchronisation status is missing (not the live system, no client)",
    }),
  }),
  route: nodeRoute("get", "ntp", "GetNodeNtp", TAG, "NtpCollectionResponse"),
});

/** `node.ntp.create`: starts managing the servers. */
export const ntpCreate = nodeOperation("ntp", "create", {
  summary: "Manage the NTP servers of the target nodes",
  input: serversInput(
    "Writes osapi's drop-in with these servers; unchanged when it already has them (other " +
      "servers: use PUT).",
  ),
  result: mutation,
  route: nodeRoute("post", "ntp", "PostNodeNtp", TAG, "NtpCreateResponse", {
    request: "NtpCreateRequest",
  }),
});

/** `node.ntp.update`: replaces the managed servers. */
export const ntpUpdate = nodeOperation("ntp", "update", {
  summary: "Replace the NTP servers osapi manages",
  input: serversInput("Replaces the servers of osapi's drop-in; fails when it is not managed."),
  result: mutation,
  route: nodeRoute("put", "ntp", "PutNodeNtp", TAG, "NtpUpdateResponse", {
    request: "NtpUpdateRequest",
  }),
});

/** `node.ntp.delete`: removes osapi's drop-in (the client's own servers apply again). */
export const ntpDelete = nodeOperation("ntp", "delete", {
  summary: "Stop managing the NTP servers (remove osapi's drop-in)",
  input: z.strictObject({}).meta({ description: "No input." }),
  result: mutation,
  route: nodeRoute("delete", "ntp", "DeleteNodeNtp", TAG, "NtpDeleteResponse"),
});

/** Checked input of `node.ntp.create` and `node.ntp.update`. */
export type NtpServersInput = z.output<typeof ntpCreate.input>;
