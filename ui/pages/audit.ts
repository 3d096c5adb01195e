/// <reference lib="dom" />
/** The audit log (`GET /audit`), newest first, with filters applied to the loaded page. */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { ErrorBox, html, Spinner, useLoad } from "../components.ts";

interface AuditEntry {
  id: string;
  timestamp: string;
  user: string;
  roles: string[];
  method: string;
  path: string;
  operation_id?: string;
  source_ip: string;
  response_code: number;
  duration_ms: number;
}

const PAGE = 100;
const value = (e: Event) => (e.target as HTMLInputElement).value;

/** The audit page. */
export function Audit(): VNode {
  const [offset, setOffset] = useState(0);
  const [user, setUser] = useState("");
  const [method, setMethod] = useState("");
  const [path, setPath] = useState("");
  const [code, setCode] = useState("");
  const page = useLoad(
    () =>
      api<{ total_items: number; items: AuditEntry[] }>(`/audit?limit=${PAGE}&offset=${offset}`),
    [offset],
  );
  const items = (page.data?.items ?? []).filter((e) =>
    (!user || e.user.includes(user)) && (!method || e.method === method) &&
    (!path || e.path.includes(path)) && (!code || String(e.response_code).startsWith(code))
  );
  const total = page.data?.total_items ?? 0;
  return html`<section>
    <header class="page-head">
      <h2>Audit log</h2>
      <button class="secondary" onClick=${page.reload}>Refresh</button>
    </header>
    <div class="filters">
      <label>User <input id="audit-user" value=${user} onInput=${(e: Event) =>
    setUser(value(e))} /></label>
      <label>Method <select id="audit-method" value=${method} onChange=${(e: Event) =>
    setMethod(value(e))}>
        <option value="">any</option>
        ${["GET", "POST", "PUT", "DELETE"].map((m) => html`<option value=${m}>${m}</option>`)}
      </select></label>
      <label>Path contains <input id="audit-path" value=${path} onInput=${(e: Event) =>
    setPath(value(e))} /></label>
      <label>Status <select id="audit-code" value=${code} onChange=${(e: Event) =>
    setCode(value(e))}>
        <option value="">any</option><option value="2">2xx</option><option value="4">4xx</option>
        <option value="5">5xx</option>
      </select></label>
    </div>
    <${ErrorBox} error=${page.error} />
    ${page.loading && !page.data && html`<${Spinner} />`}
    ${
    page.data && html`
      <table class="grid" id="audit">
        <thead>
          <tr>
            <th>Time</th>
            <th>User</th>
            <th>Roles</th>
            <th>Request</th>
            <th>Status</th>
            <th>Duration</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
              ${items.length === 0 && html`
                <tr>
                  <td colspan="7" class="muted">No entries.</td>
                </tr>
              `}
              ${items.map((e) =>
                html`
                  <tr>
                    <td class="mono small">${e.timestamp}</td>
                    <td>${e.user}</td>
                    <td>${e.roles.join(", ")}</td>
                    <td class="mono">${e.method} ${e.path}</td>
                    <td><span class=${`code code-${String(e.response_code)[0]}`}>${e
                      .response_code}</span></td>
                    <td>${e.duration_ms} ms</td>
                    <td class="mono small">${e.source_ip}</td>
                  </tr>
                `
              )}
            </tbody>
      </table>
      <nav class="pager">
        <button class="secondary" disabled=${offset === 0} onClick=${() =>
          setOffset(Math.max(0, offset - PAGE))}>Newer</button>
        <span>${`${
          total === 0 ? "0" : `${offset + 1}–${Math.min(offset + PAGE, total)}`
        } of ${total} ` +
          "(filters apply to this page)"}</span>
        <button class="secondary" disabled=${offset + PAGE >= total} onClick=${() =>
          setOffset(offset + PAGE)}>Older</button>
      </nav>
    `
  }
  </section>`;
}
