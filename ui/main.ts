/// <reference lib="dom" />
/**
 * The osapi dashboard: signs in with a bearer token, then offers the pages the token's
 * permissions allow (fleet, host, jobs, run, audit, security). Hash routes (`#/jobs`) keep the
 * server side to one page.
 */
import { render, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import {
  fetchDocument,
  forgetToken,
  type OpenApiDoc,
  type Session,
  setUnauthorizedHandler,
  signIn,
  storedToken,
  storeToken,
} from "./api.ts";
import { html, Spinner } from "./components.ts";
import { jwtPayload, relativeTime } from "./format.ts";
import { Audit } from "./pages/audit.ts";
import { Fleet } from "./pages/fleet.ts";
import { Host } from "./pages/host.ts";
import { JobPage, Jobs } from "./pages/jobs.ts";
import { Run } from "./pages/run.ts";
import { Security } from "./pages/security.ts";
import { SignIn } from "./pages/signin.ts";

/** The pages of the menu and the permission each needs. */
const PAGES = [
  { route: "fleet", title: "Fleet", permission: "job:read" },
  { route: "jobs", title: "Jobs", permission: "job:read" },
  { route: "run", title: "Run", permission: "command:execute" },
  { route: "audit", title: "Audit", permission: "audit:read" },
  { route: "security", title: "Security", permission: "audit:read" },
];

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

function Page(
  { parts, doc, may }: { parts: string[]; doc: OpenApiDoc; may: (p: string) => boolean },
): VNode {
  const [route, arg] = parts;
  const denied = html`<p class="notice">This token may not open this page.</p>`;
  const need = (p: string, page: VNode) => may(p) ? page : denied;
  switch (route) {
    case "host":
      return need(
        "system:read",
        html`<${Host} host=${decodeURIComponent(arg ?? "")} doc=${doc} may=${may} />`,
      );
    case "job":
      return need("job:read", html`<${JobPage} id=${arg ?? ""} may=${may} />`);
    case "jobs":
      return need("job:read", html`<${Jobs} />`);
    case "run":
      return need("command:execute", html`<${Run} />`);
    case "audit":
      return need("audit:read", html`<${Audit} />`);
    case "security":
      return need("audit:read", html`<${Security} />`);
    default:
      return need("job:read", html`<${Fleet} doc=${doc} may=${may} />`);
  }
}

function App(): VNode {
  const [token, setToken] = useState<string | null>(storedToken());
  const [session, setSession] = useState<Session>();
  const [doc, setDoc] = useState<OpenApiDoc>();
  const [notice, setNotice] = useState<string>();
  const hash = useHash();

  const signOut = (why?: string) => {
    forgetToken();
    setToken(null);
    setSession(undefined);
    setDoc(undefined);
    setNotice(why);
  };
  /** An explicit sign-out also forgets the page, so the next token starts on the fleet. */
  const signOutClicked = () => {
    location.hash = "";
    signOut("Signed out.");
  };
  useEffect(() => setUnauthorizedHandler(() => signOut("The session ended: sign in again.")), []);
  useEffect(() => {
    if (!token || session) return;
    signIn(token).then(setSession, () => signOut("The stored token was refused: sign in again."));
  }, [token]);
  useEffect(() => {
    if (session && !doc) fetchDocument().then(setDoc);
  }, [session]);

  if (!token) {
    return html`<${SignIn} notice=${notice} done=${(t: string, s: Session) => {
      storeToken(t);
      setToken(t);
      setSession(s);
      setNotice(undefined);
    }} />`;
  }
  if (!session || !doc) return html`<${Spinner} text="Signing in…" />`;
  const perms = new Set(session.permissions);
  const may = (p: string) => perms.has(p);
  const parts = hash.replace(/^#\/?/, "").split("/");
  const current = parts[0] || "fleet";
  const exp = jwtPayload(token)?.exp;
  return html`
    <div class="layout">
      <header class="top">
        <a class="brand" href="#/fleet">osapi</a>
        <nav>
            ${PAGES.filter((p) => may(p.permission)).map((p) =>
              html`<a href=${`#/${p.route}`} class=${
                current === p.route ? "active" : ""
              }>${p.title}</a>`
            )}
          </nav>
        <div class="who">
          <span id="who-subject">${session.subject}</span>
          <span class="muted small">${session.roles.join(", ") ||
            "no roles"}${typeof exp === "number"
            ? ` · expires ${relativeTime(new Date(exp * 1000).toISOString())}`
            : ""}</span>
          <button class="secondary" id="sign-out" onClick=${() =>
            signOutClicked()}>Sign out</button>
        </div>
      </header>
      <main class="content">
        <${Page} parts=${parts} doc=${doc} may=${may} />
      </main>
    </div>
  `;
}

const root = document.getElementById("app")!;
root.replaceChildren();
render(html`<${App} />`, root);
