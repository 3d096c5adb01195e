/** `/network/*`: DNS configuration per interface and ping. */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import { dnsGetOp, dnsUpdateOp, pingDoOp } from "../../job/operations.ts";
import { DnsUpdateData, InterfaceName, PingData } from "../operations.ts";
import { securedRoute } from "../route.ts";
import { collectionBody, runOperation } from "../run_job.ts";
import { collection, hostFields, TargetQuery } from "../schemas.ts";

const DnsConfigResult = z.looseObject({
  ...hostFields,
  servers: z.array(z.string()).optional().openapi({ description: "DNS server addresses" }),
  search_domains: z.array(z.string()).optional(),
}).openapi("DnsConfigResult");

const DnsUpdateResult = z.looseObject({
  ...hostFields,
  status: z.enum(["ok", "failed"]),
  changed: z.boolean().optional().openapi({ description: "whether the host was modified" }),
}).openapi("DnsUpdateResult");

const DnsUpdateRequest = DnsUpdateData.openapi("DnsUpdateRequest");

const PingRequest = PingData.openapi("PingRequest");

const PingResult = z.looseObject({
  ...hostFields,
  packets_sent: z.number().int().optional(),
  packets_received: z.number().int().optional(),
  packet_loss: z.number().optional().openapi({ description: "percent" }),
  min_rtt: z.unknown().optional(),
  avg_rtt: z.unknown().optional(),
  max_rtt: z.unknown().optional(),
}).openapi("PingResult");

const InterfaceParam = z.object({
  interfaceName: InterfaceName.openapi({ param: { name: "interfaceName", in: "path" } }),
});

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });

/** Registers the `/network/*` routes. */
export function registerNetworkRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    securedRoute(dnsGetOp.permission, {
      method: "get",
      path: "/network/dns/{interfaceName}",
      operationId: "GetNetworkDNSByInterface",
      tags: ["Network"],
      summary: "DNS servers and search domains of an interface",
      request: { params: InterfaceParam, query: TargetQuery },
      responses: {
        200: {
          description: "one result per host",
          ...json(collection(DnsConfigResult, "DnsConfigCollection")),
        },
      },
    }),
    async (c) => {
      const { interfaceName } = c.req.valid("param");
      const { target_hostname } = c.req.valid("query");
      const result = await runOperation(
        deps,
        c,
        dnsGetOp.type,
        { interface_name: interfaceName },
        target_hostname,
      );
      return c.json(collectionBody(result), 200);
    },
  );

  app.openapi(
    securedRoute(dnsUpdateOp.permission, {
      method: "put",
      path: "/network/dns",
      operationId: "PutNetworkDNS",
      tags: ["Network"],
      summary: "Set the DNS servers and/or search domains of an interface",
      request: {
        query: TargetQuery,
        body: { required: true, ...json(DnsUpdateRequest) },
      },
      responses: {
        202: {
          description: "one result per host",
          ...json(collection(DnsUpdateResult, "DnsUpdateCollection")),
        },
      },
    }),
    async (c) => {
      const { target_hostname } = c.req.valid("query");
      const result = await runOperation(
        deps,
        c,
        dnsUpdateOp.type,
        c.req.valid("json"),
        target_hostname,
      );
      const body = collectionBody(result);
      return c.json({
        job_id: body.job_id,
        results: body.results.map((r) => ({ ...r, status: r.error ? "failed" : "ok" } as const)),
      }, 202);
    },
  );

  app.openapi(
    securedRoute(pingDoOp.permission, {
      method: "post",
      path: "/network/ping",
      operationId: "PostNetworkPing",
      tags: ["Network"],
      summary: "Ping an address from the target hosts",
      request: {
        query: TargetQuery,
        body: { required: true, ...json(PingRequest) },
      },
      responses: {
        200: {
          description: "one result per host",
          ...json(collection(PingResult, "PingCollection")),
        },
      },
    }),
    async (c) => {
      const { target_hostname } = c.req.valid("query");
      const result = await runOperation(
        deps,
        c,
        pingDoOp.type,
        c.req.valid("json"),
        target_hostname,
      );
      return c.json(collectionBody(result), 200);
    },
  );
}
