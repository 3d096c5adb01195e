/** `network.dns.update`: sets the DNS servers and/or search domains of a network interface. */
import { checkInput, inputSchema, isHostName, isIpAddress } from "./input.ts";
import {
  checkInterface,
  chooseDnsBackend,
  type DnsConfig,
  type DnsOptions,
  interfaceNameField,
} from "./dns_config.ts";
import { type Provider, ProviderInputError } from "./types.ts";

const TYPE = "network.dns.update";

/** Input of `network.dns.update`: a field left out is kept as it is. */
export const dnsUpdateInput = inputSchema(
  "Sets the DNS servers and/or search domains of an interface; a list left out is kept.",
  {
    interface_name: interfaceNameField,
    servers: {
      type: "array",
      description: "DNS server IP addresses (IPv4 or IPv6), in order of preference.",
      items: { type: "string", minLength: 1, maxLength: 45 },
      minItems: 1,
      maxItems: 8,
    },
    search_domains: {
      type: "array",
      description: "Search domains (DNS names); an empty list removes them.",
      items: { type: "string", minLength: 1, maxLength: 253 },
      maxItems: 32,
    },
  },
  ["interface_name"],
);

/** Checked input of `network.dns.update`. */
export interface DnsUpdateInput {
  interface_name: string;
  servers?: string[];
  search_domains?: string[];
}

/** Output of `network.dns.update`: the settings now in effect. */
export interface DnsUpdateResult extends DnsConfig {
  interface_name: string;
  /** False when the settings were already as requested (nothing written). */
  changed: boolean;
  /** Where the settings were written: "resolvectl" or "resolv.conf". */
  source: string;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A `network.dns.update` provider writing to the places in `opts` (tests use temp files). */
export function createDnsUpdate(
  opts: DnsOptions = {},
): Provider<DnsUpdateInput, DnsUpdateResult> {
  return {
    type: TYPE,
    kind: "modify",
    validate(data) {
      const v = checkInput(TYPE, dnsUpdateInput, data);
      const servers = v.servers as string[] | undefined;
      const search = v.search_domains as string[] | undefined;
      if (servers === undefined && search === undefined) {
        throw new ProviderInputError(`${TYPE}: give servers, search_domains or both`);
      }
      for (const s of servers ?? []) {
        if (!isIpAddress(s)) {
          throw new ProviderInputError(`${TYPE}: server ${JSON.stringify(s)} is not an IP address`);
        }
      }
      for (const d of search ?? []) {
        if (!isHostName(d)) {
          throw new ProviderInputError(
            `${TYPE}: search domain ${JSON.stringify(d)} is not a DNS name`,
          );
        }
      }
      return { interface_name: v.interface_name as string, servers, search_domains: search };
    },
    async run(input, ctx) {
      const iface = input.interface_name;
      await checkInterface(iface, opts);
      const backend = await chooseDnsBackend(opts, ctx.signal);
      const current = await backend.get(iface);
      const wanted: DnsConfig = {
        servers: input.servers ?? current.servers,
        search_domains: input.search_domains ?? current.search_domains,
      };
      const changed = !sameList(current.servers, wanted.servers) ||
        !sameList(current.search_domains, wanted.search_domains);
      if (changed) {
        ctx.signal.throwIfAborted();
        await backend.set(iface, wanted);
        ctx.log.info("DNS settings changed", {
          interface: iface,
          source: backend.name,
          servers: wanted.servers.join(","),
          search_domains: wanted.search_domains.join(","),
        });
      }
      return { interface_name: iface, ...wanted, changed, source: backend.name };
    },
  };
}

/** `network.dns.update` on this host's own resolver configuration. */
export const dnsUpdate: Provider<DnsUpdateInput, DnsUpdateResult> = createDnsUpdate();
