/// <reference lib="dom" />
/** Security (`GET /security`): NATS auth mode, namespaces, accounts, users, expiring credentials. */
import type { VNode } from "preact";
import { api } from "../api.ts";
import { ErrorBox, html, Spinner, useLoad } from "../components.ts";
import { relativeTime } from "../format.ts";

interface SecurityInfo {
  nats: {
    auth_mode: string;
    isolation: string;
    namespaces: string[];
    accounts: { name: string; public_key?: string; kind: string }[];
    users: {
      name?: string;
      public_key?: string;
      account?: string;
      role?: string;
      namespace?: string;
      hostname?: string;
      source: string;
    }[];
    callout?: { account: string; target_account: string; user_ttl: string };
  };
  credentials: {
    kind: string;
    name: string;
    public_key?: string;
    account?: string;
    expires: string | null;
    expired: boolean;
  }[];
}

const WEEK = 7 * 86400 * 1000;

function expiry(c: SecurityInfo["credentials"][number]): VNode {
  if (!c.expires) return html`<span class="muted">never</span>`;
  const soon = Date.parse(c.expires) - Date.now() < WEEK;
  const cls = c.expired
    ? "badge badge-failed"
    : soon
    ? "badge badge-processing"
    : "badge badge-completed";
  return html`<span class=${cls} title=${c.expires}>${c.expired ? "expired " : "expires "}${
    relativeTime(c.expires)
  }</span>`;
}

const key = (k?: string) =>
  k ? html`<code class="key">${k}</code>` : html`<span class="muted">–</span>`;

/** The security page. */
export function Security(): VNode {
  const info = useLoad(() => api<SecurityInfo>("/security"), []);
  const s = info.data;
  return html`<section>
    <header class="page-head"><h2>Security</h2></header>
    <${ErrorBox} error=${info.error} />
    ${info.loading && !s && html`<${Spinner} />`}
    ${
    s && html`
      <dl class="facts" id="security-mode">
            <dt>NATS auth mode</dt><dd class="mono">${s.nats.auth_mode}</dd>
            <dt>Isolation</dt><dd class="mono">${s.nats.isolation}</dd>
            <dt>Namespaces</dt><dd>${s.nats.namespaces.map((n) =>
              html`<span class="chip">${n || "(none)"}</span>`
            )}</dd>
            ${s.nats.callout && html`
              <dt>Callout</dt>
              <dd>account ${s.nats.callout.account}, users placed in
                      ${s.nats.callout.target_account}, user JWTs live ${s.nats.callout
                        .user_ttl}</dd>
            `}
          </dl>
      <h3>Accounts</h3>
      <table class="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Public key</th>
          </tr>
        </thead>
        <tbody>
            ${s.nats.accounts.length === 0 && html`
              <tr>
                <td colspan="3" class="muted">No accounts (one global account).</td>
              </tr>
            `}
            ${s.nats.accounts.map((a) =>
              html`
                <tr>
                  <td>${a.name}</td>
                  <td>${a.kind}</td>
                  <td>${key(a.public_key)}</td>
                </tr>
              `
            )}
          </tbody>
      </table>
      <h3>Users</h3>
      <table class="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Public key</th>
            <th>Account</th>
            <th>Role</th>
            <th>Namespace</th>
            <th>Defined by</th>
          </tr>
        </thead>
        <tbody>
            ${s.nats.users.length === 0 && html`
              <tr>
                <td colspan="6" class="muted">No configured users.</td>
              </tr>
            `}
            ${s.nats.users.map((u) =>
              html`
                <tr>
                  <td>${u.name ?? "–"}</td>
                  <td>${key(u.public_key)}</td>
                  <td>${u.account ?? "–"}</td>
                  <td>${u.role ?? "–"}</td>
                  <td>${u.namespace ?? "–"}${u.hostname ? ` (${u.hostname})` : ""}</td>
                  <td>${u.source}</td>
                </tr>
              `
            )}
          </tbody>
      </table>
      <h3>Credentials that expire</h3>
      <table class="grid" id="security-credentials">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Name</th>
            <th>Public key</th>
            <th>Expiry</th>
          </tr>
        </thead>
        <tbody>
            ${s.credentials.length === 0 && html`
              <tr>
                <td colspan="4" class="muted">None.</td>
              </tr>
            `}
            ${s.credentials.map((c) =>
              html`
                <tr>
                  <td>${c.kind}</td>
                  <td>${c.name}${c.account ? ` (${c.account})` : ""}</td>
                  <td>${key(c.public_key)}</td>
                  <td>${expiry(c)}</td>
                </tr>
              `
            )}
          </tbody>
      </table>
    `
  }
  </section>`;
}
