/// <reference lib="dom" />
/** The sign-in page: a bearer token, checked with the API before it is kept. */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { type Session, signIn } from "../api.ts";
import { ErrorBox, html } from "../components.ts";

/** Signs in; calls `done` with the token and its session. */
export function SignIn(
  { done, notice }: { done: (token: string, s: Session) => void; notice?: string },
): VNode {
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const t = token.trim();
    try {
      done(t, await signIn(t));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="signin">
      <form class="card" onSubmit=${submit}>
          <h1>osapi</h1>
          <p class="muted">Sign in with an API bearer token (<code>osapi token generate</code>, or the
            admin token file <code>serve</code> wrote). It is kept in this browser tab only.</p>
          ${notice && html`<p class="notice">${notice}</p>`}
          <label for="token">Bearer token</label>
          <input id="token" name="token" type="password" autocomplete="off" spellcheck="false"
            value=${token} onInput=${(e: Event) =>
              setToken((e.target as HTMLInputElement).value)} />
          <${ErrorBox} error=${error} />
          <button type="submit" disabled=${busy || token.trim() === ""}>
            ${busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
    </main>
  `;
}
