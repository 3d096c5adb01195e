/// <reference lib="dom" />
/** Jobs: the list (status filter, paging) and one job (per-host results, timeline, retry). */
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Badge, ErrorBox, html, Json, Spinner, useLoad } from "../components.ts";
import { relativeTime, shortId } from "../format.ts";

/** A job as `GET /job/{id}` shows it. */
export interface Job {
  id: string;
  status: string;
  created: string;
  operation: { type: string; data?: unknown };
  target: string;
  submitter: string;
  retry_of?: string;
  redacted?: boolean;
  responses: Record<
    string,
    { status: string; data?: unknown; error?: string; hostname: string; changed?: boolean }
  >;
  worker_states: Record<string, { status: string; error?: string; duration?: string }>;
  timeline: {
    timestamp: string;
    event: string;
    hostname?: string;
    message?: string;
    error?: string;
  }[];
}

/** The statuses of the filter (the API's job statuses). */
const STATUSES = ["submitted", "processing", "completed", "failed", "partial_failure"];
const PAGE = 20;

/** The job list. */
export function Jobs(): VNode {
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (status) q.set("status", status);
    return api<{ total_items: number; items: Job[] }>(`/job?${q}`);
  }, [status, offset]);
  const total = list.data?.total_items ?? 0;
  return html`<section>
    <header class="page-head">
      <h2>Jobs</h2>
      <label class="inline">Status
        <select id="job-status" value=${status} onChange=${(e: Event) => {
    setStatus((e.target as HTMLSelectElement).value);
    setOffset(0);
  }}>
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      <button class="secondary" onClick=${list.reload}>Refresh</button>
    </header>
    <${ErrorBox} error=${list.error} />
    ${list.loading && !list.data && html`<${Spinner} />`}
    ${
    list.data && html`
      <table class="grid" id="jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Status</th>
            <th>Operation</th>
            <th>Target</th>
            <th>Hosts</th>
            <th>Submitter</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
              ${list.data.items.length === 0 && html`
                <tr>
                  <td colspan="7" class="muted">No jobs.</td>
                </tr>
              `}
              ${list.data.items.map((j) =>
                html`
                  <tr data-job=${j.id}>
                    <td><a class="mono" href=${`#/job/${j.id}`}>${shortId(j.id)}</a></td>
                    <td>
                      <${Badge} status=${j.status} />
                    </td>
                    <td class="mono">${j.operation.type}</td>
                    <td class="mono">${j.target}</td>
                    <td>${Object.keys(j.responses).join(", ") || "–"}</td>
                    <td>${j.submitter}</td>
                    <td title=${j.created}>${relativeTime(j.created)}</td>
                  </tr>
                `
              )}
            </tbody>
      </table>
      <nav class="pager">
        <button class="secondary" disabled=${offset === 0} onClick=${() =>
          setOffset(Math.max(0, offset - PAGE))}>Previous</button>
        <span>${total === 0
          ? "0"
          : `${offset + 1}–${Math.min(offset + PAGE, total)}`} of ${total}</span>
        <button class="secondary" disabled=${offset + PAGE >= total} onClick=${() =>
          setOffset(offset + PAGE)}>Next</button>
      </nav>
    `
  }
  </section>`;
}

/** The output of one host: stdout/stderr of commands, else the data as JSON. */
export function HostOutput({ data }: { data: unknown }): VNode | null {
  if (data === undefined) return null;
  const d = data as { stdout?: string; stderr?: string; exit_code?: number };
  if (typeof d === "object" && d !== null && ("stdout" in d || "stderr" in d)) {
    return html`<div class="output">
      ${d.exit_code !== undefined && html`<span class="muted">exit ${d.exit_code}</span>`}
      ${d.stdout && html`<pre class="stdout">${d.stdout}</pre>`}
      ${d.stderr && html`<pre class="stderr">${d.stderr}</pre>`}
    </div>`;
  }
  return html`<${Json} value=${data} />`;
}

const RUNNING = new Set(["submitted", "processing"]);

/** One job; polls while it is still running. */
export function JobPage({ id, may }: { id: string; may: (p: string) => boolean }): VNode {
  const job = useLoad(() => api<Job>(`/job/${encodeURIComponent(id)}`), [id]);
  const [retryError, setRetryError] = useState<unknown>();
  const running = job.data && RUNNING.has(job.data.status);
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(job.reload, 1000);
    return () => clearTimeout(t);
  }, [job.data]);
  const retry = async () => {
    setRetryError(undefined);
    try {
      const r = await api<{ job_id: string }>(`/job/${id}/retry`, { method: "POST" });
      location.hash = `#/job/${r.job_id}`;
    } catch (e) {
      setRetryError(e);
    }
  };
  const j = job.data;
  return html`<section>
    <header class="page-head">
      <h2>Job <span class="mono">${id}</span></h2>
      ${may("job:write") && html`<button onClick=${retry}>Retry</button>`}
    </header>
    <${ErrorBox} error=${job.error ?? retryError} />
    ${job.loading && !j && html`<${Spinner} />`}
    ${
    j && html`
      <dl class="facts">
            <dt>Status</dt><dd><${Badge} status=${j.status} />${running && html`
              <span class="spin"></span>
            `}</dd>
            <dt>Operation</dt><dd class="mono">${j.operation.type}</dd>
            <dt>Target</dt><dd class="mono">${j.target}</dd>
            <dt>Submitter</dt><dd>${j.submitter}</dd>
            <dt>Created</dt><dd>${j.created}</dd>
            ${j.retry_of && html`
              <dt>Retry of</dt>
              <dd><a href=${`#/job/${j.retry_of}`}>${j.retry_of}</a></dd>
            `}
            ${j.redacted && html`
              <dt>Redacted</dt>
              <dd>input and output hidden: the token lacks the operation's permission</dd>
            `}
          </dl>
      <h3>Results</h3>
      <table class="grid" id="job-results">
        <thead>
          <tr>
            <th>Host</th>
            <th>Status</th>
            <th>Duration</th>
            <th>Output</th>
          </tr>
        </thead>
        <tbody>
              ${Object.keys(j.responses).length === 0 && html`
                <tr>
                  <td colspan="4" class="muted">No results yet.</td>
                </tr>
              `}
              ${Object.values(j.responses).map((r) =>
                html`
                  <tr>
                    <td>${r.hostname}</td>
                    <td>
                      <${Badge} status=${r.status} />
                    </td>
                    <td>${j.worker_states[r.hostname]?.duration ?? "–"}</td>
                    <td>${r.error && html`<p class="error">${r.error}</p>`}<${HostOutput} data=${r
                      .data} /></td>
                  </tr>
                `
              )}
            </tbody>
      </table>
      <h3>Timeline</h3>
      <ol class="timeline">
            ${j.timeline.map((e) =>
              html`<li><span class="muted mono">${e.timestamp}</span> <${Badge} status=${e.event} />
          ${
                e.hostname && html`
                  <span class="mono">${e.hostname}</span>
                `
              }
          ${
                e.message && html`
                  <span>${e.message}</span>
                `
              }
          ${
                e.error && html`
                  <span class="error-text">${e.error}</span>
                `
              }</li>`
            )}
          </ol>
    `
  }
  </section>`;
}
