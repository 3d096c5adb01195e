/** `network.dns.get`: DNS servers and search domains of a network interface. */
import { dnsGet as dnsGetOp, type DnsGetInput } from "../../core/operations/network.ts";
import { checkInterface, chooseDnsBackend, type DnsConfig, type DnsOptions } from "./dns_config.ts";
import { provide, type Provider } from "./types.ts";

/** Output of `network.dns.get`. */
export interface DnsGetResult extends DnsConfig {
  interface_name: string;
  /** Where the settings came from: "resolvectl" or "resolv.conf". */
  source: string;
}

/** A `network.dns.get` provider reading from the places in `opts` (tests use temp files). */
export function createDnsGet(opts: DnsOptions = {}): Provider<DnsGetInput, DnsGetResult> {
  return provide(dnsGetOp, async (input, ctx) => {
    await checkInterface(input.interface_name, opts);
    const backend = await chooseDnsBackend(opts, ctx.signal);
    const config = await backend.get(input.interface_name);
    return { interface_name: input.interface_name, ...config, source: backend.name };
  });
}

/** `network.dns.get` on this host's own resolver configuration. */
export const dnsGet: Provider<DnsGetInput, DnsGetResult> = createDnsGet();

export default dnsGet;
