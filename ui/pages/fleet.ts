/// <reference lib="dom" />
/** The fleet: every agent with its status, labels, facts, conditions and last heartbeat. */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { type Agent, api, drainPaths, fetchAgents, fillPath, type OpenApiDoc } from "../api.ts";
import { Badge, ErrorBox, html, Labels, Spinner, useLoad } from "../components.ts";
import { relativeTime } from "../format.ts";

function Facts({ agent }: { agent: Agent }): VNode {
  const facts = Object.entries(agent.facts ?? {});
  const conditions = agent.conditions ?? [];
  return html`<span class="small">
    ${facts.map(([k, v]) => html`<span class="chip">${k}: ${String(v)}</span>`)}
    ${conditions.map((c) => html`<span class="chip">${c.type}=${c.status}</span>`)}
    ${facts.length + conditions.length === 0 && html`<span class="muted">v${agent.version}</span>`}
  </span>`;
}

/** The fleet page; drain buttons only where the API has drain paths and the token may use them. */
export function Fleet({ doc, may }: { doc: OpenApiDoc; may: (p: string) => boolean }): VNode {
  const agents = useLoad(fetchAgents, []);
  const drain = drainPaths(doc);
  const [actionError, setActionError] = useState<unknown>();
  const act = async (path: string, host: string) => {
    setActionError(undefined);
    try {
      await api(fillPath(path, host), { method: "POST" });
      agents.reload();
    } catch (e) {
      setActionError(e);
    }
  };
  return html`<section>
    <header class="page-head">
      <h2>Fleet</h2>
      <button class="secondary" onClick=${agents.reload}>Refresh</button>
    </header>
    <${ErrorBox} error=${agents.error ?? actionError} />
    ${agents.loading && !agents.data && html`<${Spinner} />`}
    ${
    agents.data && html`
      <table class="grid" id="fleet">
        <thead>
          <tr><th>Host</th><th>Status</th><th>Labels</th><th>Facts</th><th>Running</th>
              <th>Last seen</th>${drain && may("agent:write") && html`<th></th>`}</tr>
        </thead>
        <tbody>
              ${agents.data.length === 0 && html`
                <tr>
                  <td colspan="7" class="muted">No agents.</td>
                </tr>
              `}
              ${agents.data.map((a) =>
                html`<tr data-host=${a.hostname}>
          <td>${
                  may("system:read")
                    ? html`<a href=${`#/host/${encodeURIComponent(a.hostname)}`}>${a.hostname}</a>`
                    : a.hostname
                }</td>
          <td><${Badge} status=${a.status} /></td>
          <td><${Labels} labels=${a.labels} /></td>
          <td><${Facts} agent=${a} /></td>
          <td>${a.running}</td>
          <td title=${a.last_seen}>${relativeTime(a.last_seen)}</td>
          ${
                  drain && may("agent:write") && html`
                    <td class="actions">
                      <button class="secondary" onClick=${() =>
                        act(drain.drain, a.hostname)}>Drain</button>
                      <button class="secondary" onClick=${() =>
                        act(drain.undrain, a.hostname)}>Undrain</button>
                    </td>
                  `
                }
        </tr>`
              )}
            </tbody>
      </table>
    `
  }
  </section>`;
}
