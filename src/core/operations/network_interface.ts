/**
 * `node.network.interface.*`: network interfaces of a node (read live) and the Netplan
 * configuration osapi manages for each one (`/etc/netplan/90-osapi-<name>.yaml`), applied live.
 */
import { z } from "zod";
import type { Permission } from "../permissions.ts";
import { defineOperation, type InputSchema, type OperationDef, type RouteDef } from "./define.ts";
import { bool, int, str, strList } from "./fields.ts";
import { interfaceName } from "./network.ts";
import { nodeRoute } from "./node_ops.ts";

/** True when `value` is an address with a prefix length (`192.0.2.10/24`, `2001:db8::1/64`). */
export function isCidr(value: string): boolean {
  return z.cidrv4().safeParse(value).success || z.cidrv6().safeParse(value).success;
}

/** The bits of an IPv4 or IPv6 address, or undefined when it is not one. */
export function addressBits(ip: string): { value: bigint; width: number } | undefined {
  if (z.ipv4().safeParse(ip).success) {
    return {
      value: ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n),
      width: 32,
    };
  }
  if (!z.ipv6().safeParse(ip).success) return undefined;
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = addressBits(v4[1])!.value;
    text = text.slice(0, -v4[1].length) +
      `${(b >> 16n).toString(16)}:${(b & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return {
    value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n),
    width: 128,
  };
}

/**
 * `ip` (optionally with `/prefix`) in canonical text: IPv4 as it is, IPv6 lower-case with the
 * longest run of zero groups as `::` (RFC 5952), as iproute2 prints it. Other text is returned
 * unchanged.
 */
export function canonicalIp(ip: string): string {
  const [addr, prefix] = ip.split("/");
  const bits = addressBits(addr);
  if (!bits || bits.width === 32) return ip;
  const groups = Array.from(
    { length: 8 },
    (_, i) => Number((bits.value >> BigInt(16 * (7 - i))) & 0xffffn).toString(16),
  );
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = best < 0
    ? groups.join(":")
    : `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
  return prefix === undefined ? text : `${text}/${prefix}`;
}

/** True when `value` is IPv6 (else IPv4) text. */
export const isIpv6 = (value: string): boolean => value.includes(":");

/**
 * Operation `node.network.<group>.<name>` (network:read for list and get, else network:write),
 * provider `network_<group>_<name>`, CLI `node network <group> <name>`.
 */
export function networkOperation<const In extends InputSchema>(
  group: string,
  name: string,
  spec: {
    summary: string;
    input: In;
    result: z.ZodObject;
    route: RouteDef;
    args?: string[];
    expand?: string;
  },
): OperationDef<In> {
  const query = name === "list" || name === "get";
  return defineOperation({
    type: `node.network.${group}.${name}`,
    kind: query ? "query" : "modify",
    permission: (query ? "network:read" : "network:write") as Permission,
    summary: spec.summary,
    input: spec.input,
    result: spec.result,
    routes: [spec.route],
    cli: {
      command: ["node", "network", group, name],
      args: spec.args ?? Object.keys(spec.input.shape),
      ...(spec.expand ? { expand: spec.expand } : {}),
    },
    provider: `network_${group}_${name}`,
  });
}

const TAG = "Network_Management_API_interface_operations";

/** One interface as OSAPI reports it (live state, plus the managed configuration). */
export const InterfaceInfo = z.looseObject({
  name: z.string(),
  ipv4: z.string().optional().meta({ description: "first IPv4 address" }),
  ipv6: z.string().optional().meta({ description: "first global IPv6 address" }),
  mac: z.string().optional(),
  family: z.string().optional().meta({ description: "inet, inet6 or dual" }),
  addresses: z.array(z.string()).optional().meta({ description: "addresses with prefix" }),
  mac_address: z.string().optional().meta({ description: "configured MAC address" }),
  mtu: z.int().optional(),
  state: z.string().optional().meta({ description: "operational state: up, down, ..." }),
  dhcp4: z.boolean().optional(),
  dhcp6: z.boolean().optional(),
  gateway4: z.string().optional(),
  gateway6: z.string().optional(),
  wakeonlan: z.boolean().optional(),
  primary: z.boolean().optional().meta({ description: "holds the default route" }),
  managed: z.boolean().optional().meta({ description: "osapi manages its configuration" }),
});

const address = str({ minLength: 1, maxLength: 49 }).refine(isCidr, {
  error: (iss) =>
    `${JSON.stringify(iss.input)} is not an address with a prefix length (e.g. 192.0.2.10/24)`,
});

const gateway4 = str({ description: "IPv4 default gateway.", minLength: 1, maxLength: 15 })
  .refine((v) => z.ipv4().safeParse(v).success, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an IPv4 address`,
  });

const gateway6 = str({ description: "IPv6 default gateway.", minLength: 1, maxLength: 45 })
  .refine((v) => z.ipv6().safeParse(v).success, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an IPv6 address`,
  });

const macAddress = str({
  description: "MAC address to set on the interface (unicast).",
  minLength: 17,
  maxLength: 17,
  pattern: /^[0-9a-fA-F][02468aceACE](?::[0-9a-fA-F]{2}){5}$/,
  hint: "six : separated hex bytes, unicast",
  example: "02:42:ac:11:00:02",
});

/** The settings of an interface configuration (every one optional). */
export const INTERFACE_SETTINGS = [
  "dhcp4",
  "dhcp6",
  "addresses",
  "gateway4",
  "gateway6",
  "mtu",
  "mac_address",
  "wakeonlan",
] as const;

const configInput = (description: string) =>
  z.strictObject({
    name: interfaceName,
    dhcp4: bool("Enable DHCPv4.").optional(),
    dhcp6: bool("Enable DHCPv6.").optional(),
    addresses: strList(address, {
      description: "Static addresses with prefix length (an empty list removes them).",
      maxItems: 32,
    }).optional(),
    gateway4: gateway4.optional(),
    gateway6: gateway6.optional(),
    mtu: int({ description: "Maximum transmission unit.", min: 68, max: 9000 }).optional(),
    mac_address: macAddress.optional(),
    wakeonlan: bool("Enable Wake-on-LAN.").optional(),
  }).meta({ description }).check((ctx) => {
    const v = ctx.value;
    if (INTERFACE_SETTINGS.every((k) => v[k] === undefined)) {
      ctx.issues.push({
        code: "custom",
        message: `give at least one of ${INTERFACE_SETTINGS.join(", ")}`,
        input: v,
        path: ["addresses"],
      });
    }
    const seen = new Set<string>();
    v.addresses?.forEach((a, i) => {
      const key = a.toLowerCase();
      if (seen.has(key)) {
        ctx.issues.push({
          code: "custom",
          message: `address ${a} is given twice`,
          input: v,
          path: ["addresses", i],
        });
      }
      seen.add(key);
    });
  });

const nameInput = z.strictObject({ name: interfaceName });
const mutation = z.looseObject({ name: z.string(), changed: z.boolean() });
const byName = (method: RouteDef["method"], operationId: string, collection: string) =>
  nodeRoute(method, "network/interface/{name}", operationId, TAG, collection, {
    params: { name: "name" },
    ...(method === "post" || method === "put" ? { request: "InterfaceConfigRequest" } : {}),
  });

/** `node.network.interface.list`: every interface of the node. */
export const interfaceList = networkOperation("interface", "list", {
  summary: "List network interfaces",
  input: z.strictObject({}).meta({ description: "No input." }),
  result: z.looseObject({ interfaces: z.array(InterfaceInfo) }),
  route: nodeRoute(
    "get",
    "network/interface",
    "GetNodeNetworkInterface",
    TAG,
    "InterfaceListResponse",
  ),
  expand: "interfaces",
});

/** `node.network.interface.get`: one interface. */
export const interfaceGet = networkOperation("interface", "get", {
  summary: "Get a network interface",
  input: nameInput,
  result: z.looseObject({ interface: InterfaceInfo }),
  route: byName("get", "GetNodeNetworkInterfaceByName", "InterfaceGetResponse"),
});

/** `node.network.interface.create`: starts managing an interface's configuration. */
export const interfaceCreate = networkOperation("interface", "create", {
  summary: "Create the managed configuration of a network interface",
  input: configInput(
    "Writes a Netplan configuration for the interface and applies it; unchanged when the same " +
      "one is managed (another one: use PUT).",
  ),
  result: mutation,
  route: byName("post", "PostNodeNetworkInterface", "InterfaceMutationResponse"),
  args: ["name"],
});

/** `node.network.interface.update`: changes settings of a managed configuration. */
export const interfaceUpdate = networkOperation("interface", "update", {
  summary: "Update the managed configuration of a network interface",
  input: configInput(
    "Changes the settings given of a managed configuration (others are kept) and applies them.",
  ),
  result: mutation,
  route: byName("put", "PutNodeNetworkInterface", "InterfaceMutationResponse"),
  args: ["name"],
});

/** `node.network.interface.delete`: stops managing an interface's configuration. */
export const interfaceDelete = networkOperation("interface", "delete", {
  summary: "Delete the managed configuration of a network interface",
  input: nameInput,
  result: mutation,
  route: byName("delete", "DeleteNodeNetworkInterface", "InterfaceMutationResponse"),
});

/** Checked input of the interface configuration operations. */
export type InterfaceConfigInput = z.output<typeof interfaceCreate.input>;
