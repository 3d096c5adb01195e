/**
 * `network.dns.delete`: removes the DNS servers and search domains of a network interface,
 * back to the system default; `changed: false` when none were set.
 */
import { dnsDelete as dnsDeleteOp, type DnsDeleteInput } from "../../core/operations/network.ts";
import { checkInterface, chooseDnsBackend, type DnsOptions } from "./dns_config.ts";
import { provide, type Provider } from "./types.ts";

/** Output of `network.dns.delete`. */
export interface DnsDeleteResult {
  interface_name: string;
  /** False when the interface had no DNS settings (nothing written). */
  changed: boolean;
  /** Where the settings were removed: "resolvectl" or "resolv.conf". */
  source: string;
}

/** A `network.dns.delete` provider on the places in `opts` (tests use temp files). */
export function createDnsDelete(
  opts: DnsOptions = {},
): Provider<DnsDeleteInput, DnsDeleteResult> {
  return provide(dnsDeleteOp, async (input, ctx) => {
    const iface = input.interface_name;
    await checkInterface(iface, opts);
    const backend = await chooseDnsBackend(opts, ctx.signal);
    const current = await backend.get(iface);
    const changed = current.servers.length > 0 || current.search_domains.length > 0;
    if (changed) {
      ctx.signal.throwIfAborted();
      await backend.revert(iface);
      ctx.log.info("DNS settings removed", { interface: iface, source: backend.name });
    }
    return { interface_name: iface, changed, source: backend.name };
  });
}

/** `network.dns.delete` on this host's own resolver configuration. */
export const dnsDelete: Provider<DnsDeleteInput, DnsDeleteResult> = createDnsDelete();

export default dnsDelete;
