/**
 * NATS subject matching as nats-server applies permissions: `*` matches one token, `>` one or
 * more trailing tokens. Tests use it to ask what an allow list really permits, not how its
 * entries are spelled.
 */

/** True when the subject `pattern` (with `*` / `>` wildcards) matches the literal `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when some pattern of an allow list matches `subject`. */
export function allows(allow: readonly string[], subject: string): boolean {
  return allow.some((p) => subjectMatches(p, subject));
}
