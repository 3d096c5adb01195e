/** `network.dns.get`: DNS servers and search domains of a network interface. */
import { checkInput, inputSchema } from "./input.ts";
import {
  checkInterface,
  chooseDnsBackend,
  type DnsConfig,
  type DnsOptions,
  interfaceNameField,
} from "./dns_config.ts";
import type { Provider } from "./types.ts";

const TYPE = "network.dns.get";

/** Input of `network.dns.get`. */
export const dnsGetInput = inputSchema(
  "Reads the DNS servers and search domains of an interface.",
  { interface_name: interfaceNameField },
  ["interface_name"],
);

/** Checked input of `network.dns.get`. */
export interface DnsGetInput {
  interface_name: string;
}

/** Output of `network.dns.get`. */
export interface DnsGetResult extends DnsConfig {
  interface_name: string;
  /** Where the settings came from: "resolvectl" or "resolv.conf". */
  source: string;
}

/** A `network.dns.get` provider reading from the places in `opts` (tests use temp files). */
export function createDnsGet(opts: DnsOptions = {}): Provider<DnsGetInput, DnsGetResult> {
  return {
    type: TYPE,
    kind: "query",
    validate(data) {
      const v = checkInput(TYPE, dnsGetInput, data);
      return { interface_name: v.interface_name as string };
    },
    async run(input, ctx) {
      await checkInterface(input.interface_name, opts);
      const backend = await chooseDnsBackend(opts, ctx.signal);
      const config = await backend.get(input.interface_name);
      return { interface_name: input.interface_name, ...config, source: backend.name };
    },
  };
}

/** `network.dns.get` on this host's own resolver configuration. */
export const dnsGet: Provider<DnsGetInput, DnsGetResult> = createDnsGet();
