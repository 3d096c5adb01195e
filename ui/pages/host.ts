/// <reference lib="dom" />
/**
 * A host's page: its status (uptime, load, memory and disks as bars) and every other per-host
 * read the API offers (GET operations with a `target_hostname` parameter), run on demand.
 */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { api, type OpenApiDoc, requiredPermissions } from "../api.ts";
import { Bar, ErrorBox, html, Json, Spinner, useLoad } from "../components.ts";
import { formatBytes, percent } from "../format.ts";

interface Disk {
  name?: string;
  total?: number;
  used?: number;
  free?: number;
}

interface HostStatus {
  hostname: string;
  error?: string;
  uptime?: string;
  load_average?: { "1min": number; "5min": number; "15min": number };
  memory?: { total: number; used: number; free: number };
  disks?: Disk[];
  os_info?: { distribution?: string; version?: string };
}

const q = (host: string) => `target_hostname=${encodeURIComponent(host)}`;

function Status({ s }: { s: HostStatus }): VNode {
  const load = s.load_average;
  return html`
    <div class="cards">
      <div class="card">
        <h3>Uptime</h3>
        <p class="big uptime">${s.uptime ?? "–"}</p>
        <p class="muted">${s.os_info?.distribution ?? ""} ${s.os_info?.version ?? ""}</p>
      </div>
      <div class="card">
        <h3>Load</h3>
        <p class="big">${load ? load["1min"].toFixed(2) : "–"}</p>
        <p class="muted">${load
          ? `5 min ${load["5min"].toFixed(2)} · 15 min ${load["15min"].toFixed(2)}`
          : ""}</p>
      </div>
      <div class="card"><h3>Memory</h3>
          ${s.memory &&
            html`
              <${Bar} pct=${percent(s.memory.used, s.memory.total)}
                caption=${`${formatBytes(s.memory.used)} of ${formatBytes(s.memory.total)}`} />
            `}
        </div>
      <div class="card wide"><h3>Disks</h3>
          ${(s.disks ?? []).length === 0 && html`<p class="muted">none reported</p>`}
          ${(s.disks ?? []).map((d) =>
            html`<div class="disk"><span class="disk-name">${d.name ?? "?"}</span>
        <${Bar} pct=${percent(d.used, d.total)}
          caption=${`${formatBytes(d.used)} of ${formatBytes(d.total)}`} /></div>`
          )}
        </div>
    </div>
  `;
}

/** The per-host GET operations of the document that the token may call, by tag. */
function domainReads(doc: OpenApiDoc, may: (p: string) => boolean) {
  const out: { path: string; summary: string; tag: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const op = ops.get;
    // Reads needing more than the host (a path parameter) are left to the API docs.
    if (!op || path === "/system/status" || path.includes("{")) continue;
    if (!(op.parameters ?? []).some((p) => p.name === "target_hostname" && p.in === "query")) {
      continue;
    }
    if (!requiredPermissions(op).every(may)) continue;
    out.push({ path, summary: op.summary ?? path, tag: op.tags?.[0] ?? "" });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function DomainRead({ host, path, summary }: { host: string; path: string; summary: string }) {
  const [state, setState] = useState<{ busy?: boolean; data?: unknown; error?: unknown }>({});
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ data: await api(`${path}?${q(host)}`) });
    } catch (error) {
      setState({ error });
    }
  };
  return html`<div class="domain">
    <div class="domain-head">
      <button class="secondary" onClick=${run} disabled=${state.busy}>GET ${path}</button>
      <span class="muted">${summary}</span>
    </div>
    ${state.busy && html`<${Spinner} text="Asking the host…" />`}
    <${ErrorBox} error=${state.error} />
    ${state.data !== undefined && html`<${Json} value=${state.data} />`}
  </div>`;
}

/** The page of `host`. */
export function Host(
  { host, doc, may }: { host: string; doc: OpenApiDoc; may: (p: string) => boolean },
): VNode {
  const status = useLoad(
    () => api<{ results: HostStatus[] }>(`/system/status?${q(host)}`).then((r) => r.results[0]),
    [host],
  );
  return html`<section>
    <header class="page-head">
      <h2>Host <span class="mono">${host}</span></h2>
      <button class="secondary" onClick=${status.reload}>Refresh</button>
    </header>
    <${ErrorBox} error=${status.error ?? (status.data?.error && new Error(status.data.error))} />
    ${status.loading && !status.data && html`<${Spinner} text="Asking the host…" />`}
    ${status.data && html`<${Status} s=${status.data} />`}
    <h3>What the API offers for this host</h3>
    ${
    domainReads(doc, may).map((d) =>
      html`<${DomainRead} key=${d.path} host=${host} path=${d.path} summary=${d.summary} />`
    )
  }
  </section>`;
}
