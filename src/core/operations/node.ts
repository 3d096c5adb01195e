/** `node.*`: settings of the node itself (its host name). */
import { z } from "zod";
import { defineOperation } from "./define.ts";
import { isHostName, str } from "./fields.ts";

/** A host name to set: RFC 1123 labels, at most 253 characters, no final dot. */
export const newHostname = str({
  description: "The new host name (RFC 1123: labels of letters, digits and inner -).",
  minLength: 1,
  maxLength: 253,
  example: "web-01",
}).refine((v) => isHostName(v) && !v.endsWith("."), {
  error: (iss) =>
    `${JSON.stringify(iss.input)} is not a valid host name (RFC 1123 labels of 1-63 ` +
    `letters, digits and inner hyphens, separated by dots)`,
});

/** `node.hostname.update`: sets the host name (`/etc/hostname`, and live on the system). */
export const hostnameUpdate = defineOperation({
  type: "node.hostname.update",
  kind: "modify",
  permission: "node:write",
  summary: "Set the host name of the target nodes",
  input: z.strictObject({ hostname: newHostname }).meta({
    description: "Sets the system host name; unchanged when it is already the one given.",
  }),
  result: z.looseObject({}),
  routes: [{
    method: "put",
    path: "/api/node/{hostname}/hostname",
    operationId: "PutNodeHostname",
    tags: ["Hostname_Management_API_hostname_operations"],
    collection: "HostnameUpdateCollectionResponse",
    request: "HostnameUpdateRequest",
  }],
  cli: { command: ["node", "hostname", "set"], args: ["hostname"] },
  provider: "hostname_update",
});

/** Checked input of `node.hostname.update`. */
export type HostnameUpdateInput = z.output<typeof hostnameUpdate.input>;
