/** `network.*`: DNS configuration per interface, and ping. */
import { z } from "zod";
import { defineOperation } from "./define.ts";
import { int, isHostName, isIpAddress, str, strList } from "./fields.ts";

/** A Linux network interface name (no leading `-`). */
export const interfaceName = str({
  description: "Network interface, e.g. eth0.",
  minLength: 1,
  maxLength: 15,
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/,
  hint: "a letter or digit, then letters, digits, _ . : @ -",
});

/** The reference's tag of its DNS operations. */
const DNS_TAG = "Network_Management_API_dns_operations";

const dnsLists = {
  servers: z.array(z.string()).optional().meta({ description: "DNS server addresses" }),
  search_domains: z.array(z.string()).optional(),
};

/** `network.dns.get`: DNS servers and search domains of an interface. */
export const dnsGet = defineOperation({
  type: "network.dns.get",
  kind: "query",
  permission: "network:read",
  summary: "DNS servers and search domains of an interface",
  input: z.strictObject({ interface_name: interfaceName }).meta({
    description: "Reads the DNS servers and search domains of an interface.",
  }),
  result: z.looseObject(dnsLists),
  routes: [{
    method: "get",
    path: "/network/dns/{interfaceName}",
    operationId: "GetNetworkDNSByInterface",
    tags: ["Network"],
    params: { interfaceName: "interface_name" },
    collection: "DnsConfigCollection",
  }, {
    method: "get",
    path: "/api/node/{hostname}/network/dns/{interfaceName}",
    operationId: "GetNodeNetworkDNSByInterface",
    tags: [DNS_TAG],
    params: { interfaceName: "interface_name" },
    collection: "DNSConfigCollectionResponse",
  }],
  cli: { command: ["network", "dns", "get"], args: ["interface_name"] },
  provider: "dns_get",
});

/** `network.dns.update`: sets the DNS servers and/or search domains of an interface. */
export const dnsUpdate = defineOperation({
  type: "network.dns.update",
  kind: "modify",
  permission: "network:write",
  summary: "Set the DNS servers and/or search domains of an interface",
  input: z.strictObject({
    interface_name: interfaceName,
    servers: strList(str({ minLength: 1, maxLength: 45 }), {
      description: "DNS server IP addresses (IPv4 or IPv6), in order of preference.",
      minItems: 1,
      maxItems: 8,
    }).optional(),
    search_domains: strList(str({ minLength: 1, maxLength: 253 }), {
      description: "Search domains (DNS names); an empty list removes them.",
      maxItems: 32,
    }).optional(),
  }).meta({
    description:
      "Sets the DNS servers and/or search domains of an interface; a list left out is kept.",
  }).check((ctx) => {
    const v = ctx.value;
    if (v.servers === undefined && v.search_domains === undefined) {
      ctx.issues.push({
        code: "custom",
        message: "give servers, search_domains or both",
        input: v,
      });
    }
    v.servers?.forEach((s, i) => {
      if (!isIpAddress(s)) {
        ctx.issues.push({
          code: "custom",
          message: `server ${JSON.stringify(s)} is not an IP address`,
          path: ["servers", i],
          input: v,
        });
      }
    });
    v.search_domains?.forEach((d, i) => {
      if (!isHostName(d)) {
        ctx.issues.push({
          code: "custom",
          message: `search domain ${JSON.stringify(d)} is not a DNS name`,
          path: ["search_domains", i],
          input: v,
        });
      }
    });
  }),
  result: z.looseObject(dnsLists),
  routes: [{
    method: "put",
    path: "/network/dns",
    operationId: "PutNetworkDNS",
    tags: ["Network"],
    collection: "DnsUpdateCollection",
    request: "DnsUpdateRequest",
  }, {
    method: "put",
    path: "/api/node/{hostname}/network/dns",
    operationId: "PutNodeNetworkDNS",
    tags: [DNS_TAG],
    collection: "DNSUpdateCollectionResponse",
    request: "DNSConfigUpdateRequest",
  }],
  cli: { command: ["network", "dns", "update"], flags: { interface_name: "interface" } },
  provider: "dns_update",
});

/**
 * `network.dns.delete`: removes the DNS settings osapi manages for an interface, restoring the
 * system default (systemd-resolved: `resolvectl revert`; resolv.conf: its `nameserver` and
 * `search` lines removed). OSAPI's current API only: `DELETE /api/node/{hostname}/network/dns`.
 */
export const dnsDelete = defineOperation({
  type: "network.dns.delete",
  kind: "modify",
  permission: "network:write",
  summary: "Remove the DNS settings of an interface (back to the system default)",
  input: z.strictObject({ interface_name: interfaceName }).meta({
    description: "Removes the DNS servers and search domains set for an interface.",
  }),
  result: z.looseObject({
    interface_name: z.string().optional(),
    source: z.string().optional().meta({ description: "resolvectl or resolv.conf" }),
  }),
  routes: [{
    method: "delete",
    path: "/api/node/{hostname}/network/dns",
    operationId: "DeleteNodeNetworkDNS",
    tags: [DNS_TAG],
    status: 200,
    body: true,
    collection: "DNSDeleteCollectionResponse",
    request: "DNSDeleteRequest",
  }],
  cli: { command: ["network", "dns", "delete"], args: ["interface_name"] },
  provider: "dns_delete",
});

/**
 * `network.ping.do`: pings an address from the host. It sends packets on the caller's behalf,
 * so it needs `network:write` (as OSAPI's `/network/ping`), not only `network:read`.
 */
export const pingDo = defineOperation({
  type: "network.ping.do",
  kind: "query",
  permission: "network:write",
  summary: "Ping an address from the target hosts",
  input: z.strictObject({
    address: str({
      description: "IPv4 or IPv6 address, or DNS host name, to ping.",
      minLength: 1,
      maxLength: 253,
    }).refine((a) => isIpAddress(a) || isHostName(a), {
      error: (iss) => `${JSON.stringify(iss.input)} is not an IP address or host name`,
    }),
    count: int({ description: "Echo requests to send.", min: 1, max: 10 }).default(4),
    timeout: int({ description: "Seconds the whole ping may take.", min: 1, max: 60 }).default(
      10,
    ),
  }).meta({ description: "Pings an IP address or host name from the host." }),
  result: z.looseObject({
    packets_sent: z.int().optional(),
    packets_received: z.int().optional(),
    packet_loss: z.number().optional().meta({ description: "percent" }),
    min_rtt: z.unknown().optional(),
    avg_rtt: z.unknown().optional(),
    max_rtt: z.unknown().optional(),
  }),
  routes: [{
    method: "post",
    path: "/network/ping",
    operationId: "PostNetworkPing",
    tags: ["Network"],
    collection: "PingCollection",
    request: "PingRequest",
  }, {
    method: "post",
    path: "/api/node/{hostname}/network/ping",
    operationId: "PostNodeNetworkPing",
    tags: ["Network_Management_API_network_operations"],
    collection: "PingCollectionResponse",
  }],
  cli: { command: ["network", "ping"], args: ["address"] },
  provider: "ping",
});

/** Checked input of `network.dns.get`. */
export type DnsGetInput = z.output<typeof dnsGet.input>;
/** Checked input of `network.dns.delete`. */
export type DnsDeleteInput = z.output<typeof dnsDelete.input>;
/** Checked input of `network.dns.update`: a list left out is kept as it is. */
export type DnsUpdateInput = z.output<typeof dnsUpdate.input>;
