/** `network.dns.update`: sets the DNS servers and/or search domains of a network interface. */
import { dnsUpdate as dnsUpdateOp, type DnsUpdateInput } from "../../core/operations/network.ts";
import { checkInterface, chooseDnsBackend, type DnsConfig, type DnsOptions } from "./dns_config.ts";
import { provide, type Provider } from "./types.ts";

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
  return provide(dnsUpdateOp, async (input, ctx) => {
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
  });
}

/** `network.dns.update` on this host's own resolver configuration. */
export const dnsUpdate: Provider<DnsUpdateInput, DnsUpdateResult> = createDnsUpdate();

export default dnsUpdate;
