/// <reference lib="dom" />
/** Run a command (`POST /command/exec`) on `_any`, `_all`, a host or a label group. */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { type Agent, api, fetchAgents } from "../api.ts";
import { Badge, ErrorBox, html, Spinner, useLoad } from "../components.ts";
import { buildTarget, shortId, splitArgs, type TargetKind } from "../format.ts";

interface ExecResult {
  hostname: string;
  stdout?: string;
  stderr?: string;
  exit_code?: number;
  duration_ms?: number;
  error?: string;
}

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** The run form and its results. */
export function Run(): VNode {
  const agents = useLoad<Agent[]>(fetchAgents, []);
  const [kind, setKind] = useState<TargetKind>("_any");
  const [host, setHost] = useState("");
  const [label, setLabel] = useState("");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [state, setState] = useState<
    { busy?: boolean; target?: string; error?: unknown; jobId?: string; results?: ExecResult[] }
  >({});
  const labels = [
    ...new Set(
      (agents.data ?? []).flatMap((a) => Object.entries(a.labels).map(([k, v]) => `${k}:${v}`)),
    ),
  ];
  const submit = async (e: Event) => {
    e.preventDefault();
    const target = buildTarget(kind, host || agents.data?.[0]?.hostname || "", label);
    if (target instanceof Error) return setState({ error: target });
    setState({ busy: true, target });
    try {
      const r = await api<{ job_id: string; results: ExecResult[] }>(
        `/command/exec?target_hostname=${encodeURIComponent(target)}`,
        {
          method: "POST",
          body: JSON.stringify({ command: command.trim(), args: splitArgs(args) }),
        },
      );
      setState({ target, jobId: r.job_id, results: r.results });
    } catch (error) {
      setState({ target, error });
    }
  };
  return html`<section>
    <header class="page-head"><h2>Run a command</h2></header>
    <form class="card form" onSubmit=${submit}>
      <div class="row">
        <label>Target
          <select id="run-target" value=${kind} onChange=${(e: Event) =>
    setKind(value(e) as TargetKind)}>
            <option value="_any">_any (one agent)</option>
            <option value="_all">_all (every agent)</option>
            <option value="host">a host</option>
            <option value="label">a label group</option>
          </select>
        </label>
        ${
    kind === "host" && html`<label>Host
          <select id="run-host" value=${host} onChange=${(e: Event) => setHost(value(e))}>
            ${
      (agents.data ?? []).map((a) => html`<option value=${a.hostname}>${a.hostname}</option>`)
    }
          </select></label>`
  }
        ${
    kind === "label" && html`<label>Label (key:value)
          <input id="run-label" list="run-labels" value=${label} placeholder="role:web"
            onInput=${(e: Event) => setLabel(value(e))} />
          <datalist id="run-labels">${labels.map((l) => html`<option value=${l} />`)}</datalist>
        </label>`
  }
      </div>
      <div class="row">
        <label>Command <input id="run-command" value=${command} placeholder="uptime"
          spellcheck="false" onInput=${(e: Event) => setCommand(value(e))} /></label>
        <label class="grow">Arguments <input id="run-args" value=${args} placeholder="-p"
          spellcheck="false" onInput=${(e: Event) => setArgs(value(e))} /></label>
      </div>
      <p class="muted small">Runs the program directly, without a shell (<code>POST /command/exec</code>).</p>
      <button type="submit" id="run-submit" disabled=${
    state.busy || command.trim() === ""
  }>Run</button>
    </form>
    ${state.busy && html`<${Spinner} text=${`Waiting for results from ${state.target}…`} />`}
    <${ErrorBox} error=${state.error} />
    ${
    state.results && html`
      <h3>Results ${state.jobId &&
        html`<a class="small" href=${`#/job/${state.jobId}`}>job ${shortId(state.jobId)}</a>`}</h3>
      <table class="grid" id="run-results">
        <thead>
          <tr>
            <th>Host</th>
            <th>Exit</th>
            <th>Duration</th>
            <th>Output</th>
          </tr>
        </thead>
        <tbody>
              ${state.results.map((r) =>
                html`
                  <tr>
                    <td>${r.hostname}</td>
                    <td>${r.error ? html`<${Badge} status="failed" />` : r.exit_code}</td>
                    <td>${r.duration_ms !== undefined
                      ? `${Math.round(r.duration_ms)} ms`
                      : "–"}</td>
                    <td>${r.error && html`<p class="error">${r.error}</p>`}
                              ${r.stdout && html`<pre class="stdout">${r.stdout}</pre>`}
                              ${r.stderr && html`<pre class="stderr">${r.stderr}</pre>`}</td>
                  </tr>
                `
              )}
            </tbody>
      </table>
    `
  }
  </section>`;
}
