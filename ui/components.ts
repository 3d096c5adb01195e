/// <reference lib="dom" />
/** Shared pieces of the dashboard's pages: the html tag, loading state, badges and bars. */
import type { VNode } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { html } from "htm/preact";

export { html };

/** A spinner with a text. */
export function Spinner({ text = "Loading…" }: { text?: string }): VNode {
  return html`<p class="spinner" role="status"><span class="spin"></span>${text}</p>`;
}

/** An error box (nothing without an error). */
export function ErrorBox({ error }: { error?: unknown }): VNode | null {
  if (!error) return null;
  return html`<p class="error" role="alert">${(error as Error).message ?? String(error)}</p>`;
}

/** A coloured status word. */
export function Badge({ status }: { status: string }): VNode {
  return html`<span class=${`badge badge-${status.replace(/[^a-z_]/g, "")}`}>${status}</span>`;
}

/** Labels as `key=value` chips. */
export function Labels({ labels }: { labels: Record<string, string> }): VNode {
  const entries = Object.entries(labels);
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<span class="chips">${
    entries.map(([k, v]) => html`<span class="chip">${k}=${v}</span>`)
  }</span>`;
}

/** A horizontal usage bar with a caption. */
export function Bar({ pct, caption }: { pct: number; caption: string }): VNode {
  const level = pct >= 90 ? "high" : pct >= 70 ? "mid" : "low";
  return html`
    <div class="bar-row">
      <div class="bar" role="progressbar" aria-valuenow=${Math.round(pct)} aria-valuemin="0"
        aria-valuemax="100">
        <div class=${`fill fill-${level}`} style=${`width:${pct}%`}></div>
      </div>
      <span class="bar-caption">${caption}</span>
    </div>
  `;
}

/** Pretty JSON. */
export function Json({ value }: { value: unknown }): VNode {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}

/** The state of a load: data, error, loading, and a reload function. */
export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
