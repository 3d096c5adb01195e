/**
 * NATS JWTs for operator mode: operator (with signing keys and the system account), accounts
 * (signing keys, JetStream limits, exports/imports, user revocations) and users (permissions,
 * expiry), plus verification of JWTs received from elsewhere. Built on `@nats-io/jwt`.
 */
import {
  type Account,
  Algorithms,
  type ClaimsData,
  encode,
  encodeAccount,
  encodeOperator,
  encodeUser,
  type Export,
  type Import,
  type KeyPair,
  type Operator,
  type OperatorLimits,
  type Permissions,
  type User,
} from "@nats-io/jwt";
import type { Permissions as NatsPermissions } from "../nats/permissions.ts";
import { verifyNkey } from "./ed25519.ts";
import { checkPublicKey } from "./nats_keys.ts";
import { OsapiError } from "../core/errors.ts";

export type { Account, ClaimsData, Export, Import, Operator, Permissions, User };

/**
 * JWT permissions from a least-privilege permission set (allow lists). An empty list becomes
 * `deny: [">"]`: nats-server reads an empty allow list as no restriction at all.
 */
export function jwtPermissions(p: NatsPermissions): Permissions {
  const side = (allow: string[]) => allow.length > 0 ? { allow: [...allow] } : { deny: [">"] };
  return { pub: side(p.publish), sub: side(p.subscribe) };
}

/** A JWT that cannot be used: bad signature, wrong type or issuer, expired. */
export class NatsJwtError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats_auth.jwt", message, options);
  }
}

/** JetStream limits of an account; -1 is unlimited, 0 on both storages disables JetStream. */
export interface JetStreamLimits {
  memStorage: number;
  diskStorage: number;
  streams: number;
  consumers: number;
  /** Largest single stream on disk (-1: no limit). */
  maxDiskStream?: number;
  /** Largest single stream in memory (-1: no limit). */
  maxMemStream?: number;
}

/** Unlimited JetStream (enabled). */
export const UNLIMITED_JETSTREAM: JetStreamLimits = {
  memStorage: -1,
  diskStorage: -1,
  streams: -1,
  consumers: -1,
};

/** What an account JWT holds, before signing. */
export interface AccountSpec {
  name: string;
  /** Account signing keys (public) that may issue its users. */
  signingKeys?: string[];
  /** JetStream limits; omitted: JetStream disabled for the account. */
  jetstream?: JetStreamLimits;
  /** Connection limit (-1: unlimited). */
  maxConnections?: number;
  exports?: Export[];
  imports?: Import[];
  /** User public key (or `*`) -> unix seconds; users issued at or before are revoked. */
  revocations?: Record<string, number>;
  description?: string;
  /** Unix seconds after which the account is invalid. */
  expires?: number;
}

/** What a user JWT holds, before signing. */
export interface UserSpec {
  name: string;
  permissions: Permissions;
  /** Unix seconds after which the user is refused (omitted: never). */
  expires?: number;
  /** `aud` claim: in auth callout (non-operator) mode, the account the user is placed in. */
  audience?: string;
  /** Bearer tokens need no nonce signature (default false). */
  bearer?: boolean;
  tags?: string[];
}

/** Seconds since the epoch. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Builds the operator JWT: self-signed, listing its signing keys and the system account. */
export async function encodeOperatorJwt(
  name: string,
  operator: KeyPair,
  opts: { signingKeys?: string[]; systemAccount?: string; accountServerUrl?: string } = {},
): Promise<string> {
  const claims: Partial<Operator> = {};
  if (opts.signingKeys?.length) claims.signing_keys = opts.signingKeys;
  if (opts.systemAccount) claims.system_account = opts.systemAccount;
  if (opts.accountServerUrl) claims.account_server_url = opts.accountServerUrl;
  return await encodeOperator(name, operator, claims);
}

/** Full account limits (Go jwt defaults: everything unlimited), with JetStream as given. */
export function accountLimits(spec: AccountSpec): OperatorLimits {
  const js = spec.jetstream;
  const limits: OperatorLimits = {
    subs: -1,
    data: -1,
    payload: -1,
    imports: -1,
    exports: -1,
    wildcards: true,
    conn: spec.maxConnections ?? -1,
    leaf: -1,
    mem_storage: js?.memStorage ?? 0,
    disk_storage: js?.diskStorage ?? 0,
    streams: js?.streams ?? 0,
    consumer: js?.consumers ?? 0,
  };
  if (js?.maxDiskStream !== undefined) limits.disk_max_stream_bytes = js.maxDiskStream;
  if (js?.maxMemStream !== undefined) limits.mem_max_stream_bytes = js.maxMemStream;
  return limits;
}

/** The `nats` claims of an account spec. */
export function accountClaims(spec: AccountSpec): Partial<Account> {
  const nats: Partial<Account> = { limits: accountLimits(spec) };
  if (spec.signingKeys?.length) nats.signing_keys = [...spec.signingKeys];
  if (spec.exports?.length) nats.exports = spec.exports;
  if (spec.imports?.length) nats.imports = spec.imports;
  if (spec.revocations && Object.keys(spec.revocations).length > 0) {
    nats.revocations = { ...spec.revocations };
  }
  if (spec.description) nats.description = spec.description;
  return nats;
}

/** Signs an account JWT for `accountPublic` with the operator (or one of its signing keys). */
export async function encodeAccountJwt(
  accountPublic: string,
  spec: AccountSpec,
  operatorSigner: KeyPair,
): Promise<string> {
  return await encodeAccount(spec.name, accountPublic, accountClaims(spec), {
    signer: operatorSigner,
    exp: spec.expires,
  });
}

/** JetStream limits as nats-server reads them: global, else the R1 tier, else the first tier. */
function jetstreamOf(l: OperatorLimits): JetStreamLimits | undefined {
  const tiers = (l as { tiered_limits?: Record<string, Partial<OperatorLimits>> }).tiered_limits;
  const globalOn = (l.mem_storage ?? 0) !== 0 || (l.disk_storage ?? 0) !== 0;
  const t: Partial<OperatorLimits> | undefined = globalOn
    ? l
    : tiers?.R1 ?? Object.values(tiers ?? {})[0];
  if (!t || ((t.mem_storage ?? 0) === 0 && (t.disk_storage ?? 0) === 0)) return undefined;
  return {
    memStorage: t.mem_storage ?? 0,
    diskStorage: t.disk_storage ?? 0,
    streams: t.streams ?? -1,
    consumers: t.consumer ?? -1,
    maxDiskStream: t.disk_max_stream_bytes,
    maxMemStream: t.mem_max_stream_bytes,
  };
}

/**
 * Reads an account JWT into a spec (signature verified): a summary for display; re-signing
 * goes through {@link resignAccountJwt}, which keeps every claim.
 */
export function accountSpecFromJwt(jwt: string): { publicKey: string; spec: AccountSpec } {
  const c = verifyJwt<Account>(jwt, { type: "account" });
  const n = c.nats;
  const l = n.limits ?? {};
  const spec: AccountSpec = {
    name: c.name,
    signingKeys: (n.signing_keys ?? []).map((k) => typeof k === "string" ? k : k.key),
    maxConnections: l.conn ?? -1,
    exports: n.exports ?? [],
    imports: n.imports ?? [],
    revocations: { ...(n.revocations ?? {}) },
    description: n.description,
    expires: c.exp,
  };
  const js = jetstreamOf(l);
  if (js) spec.jetstream = js;
  return { publicKey: c.sub, spec };
}

/**
 * An edit of decoded account claims (`nats user revoke`, `nats account export|import`): gets a
 * copy of every claim and returns the claims to sign.
 */
export type AccountEdit = (claims: ClaimsData<Account>) => ClaimsData<Account>;

/**
 * Re-signs an account JWT whole: decodes it (signature verified), applies `edit` to a copy of
 * every claim (limits, tiered JetStream limits, scoped signing keys, default permissions,
 * mappings, tags, unknown fields...) and signs the result with `operatorSigner`. Only `iss`,
 * `iat` and `jti` are renewed; the subject and type may not change.
 */
export async function resignAccountJwt(
  jwt: string,
  edit: AccountEdit,
  operatorSigner: KeyPair,
): Promise<string> {
  const current = verifyJwt<Account>(jwt, { type: "account", ignoreTime: true });
  const claims = edit(structuredClone(current));
  const type = (claims.nats as { type?: string } | undefined)?.type;
  if (claims.sub !== current.sub || type !== "account") {
    throw new NatsJwtError(
      `account re-sign: an edit may not change the subject or type (sub ${current.sub}, type account)`,
    );
  }
  const out = structuredClone(claims) as Partial<ClaimsData<Account>>;
  delete out.jti;
  return await encode(Algorithms.v2, out as ClaimsData<Account>, operatorSigner);
}

/** Edit: revokes users of `userPublic` (or `*`) issued at or before `at`. */
export function revokeUserEdit(userPublic: string, at = unixNow()): AccountEdit {
  return (c) => {
    c.nats.revocations = { ...(c.nats.revocations ?? {}), [userPublic]: at };
    return c;
  };
}

/** Edit: adds an export. */
export function addExportEdit(exp: Export): AccountEdit {
  return (c) => {
    c.nats.exports = [...(c.nats.exports ?? []), exp];
    return c;
  };
}

/** Edit: adds an import. */
export function addImportEdit(imp: Import): AccountEdit {
  return (c) => {
    c.nats.imports = [...(c.nats.imports ?? []), imp];
    return c;
  };
}

/** A stream export (others may subscribe to `subject`). */
export function streamExport(subject: string, name = subject): Export {
  return { name, subject, type: "stream" };
}

/** A service export (others may send requests to `subject`). */
export function serviceExport(subject: string, name = subject): Export {
  return { name, subject, type: "service" };
}

/** An import of `subject` exported by `account`, optionally under a local subject. */
export function accountImport(
  type: "stream" | "service",
  account: string,
  subject: string,
  localSubject?: string,
): Import {
  const imp: Import = { name: subject, subject, account, type };
  if (localSubject) imp.local_subject = localSubject;
  return imp;
}

/**
 * Signs a user JWT for `userPublic` in account `accountPublic`. `signer` is the account key or
 * one of its signing keys (then `issuer_account` is set).
 */
export async function encodeUserJwt(
  userPublic: string,
  spec: UserSpec,
  accountPublic: string,
  signer: KeyPair,
): Promise<string> {
  const p = spec.permissions;
  const user: Partial<User> = {
    pub: { ...p.pub },
    sub: { ...p.sub },
    subs: -1,
    data: -1,
    payload: -1,
  };
  if (p.resp) user.resp = p.resp;
  if (spec.bearer) user.bearer_token = true;
  if (spec.tags?.length) user.tags = spec.tags;
  const viaSigningKey = signer.getPublicKey() !== accountPublic;
  return await encodeUser(spec.name, userPublic, viaSigningKey ? accountPublic : signer, user, {
    signer: viaSigningKey ? signer : undefined,
    exp: spec.expires,
    aud: spec.audience,
  });
}

/** Options of {@link verifyJwt}. */
export interface VerifyOptions {
  /** Required `nats.type` (operator, account, user, authorization_request, ...). */
  type?: string;
  /** Allowed issuers (public keys); omitted: any. */
  issuers?: string[];
  /** Required `aud`. */
  audience?: string;
  /** Unix seconds used for exp/nbf (default: now). */
  now?: number;
  /** Skip the exp/nbf checks (reading stored JWTs). */
  ignoreTime?: boolean;
}

function base64UrlBytes(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(
    atob(b64 + "=".repeat((4 - b64.length % 4) % 4)),
    (ch) => ch.charCodeAt(0),
  );
}

/**
 * `decode` of `@nats-io/jwt` (same header, issuer and signature checks) with the signature
 * verified by native ed25519: the pure-JavaScript check costs about 10 ms.
 */
function decodeVerified<T>(jwt: string): ClaimsData<T> {
  const chunks = jwt.split(".");
  if (chunks.length !== 3) throw new Error("malformed: not three parts");
  const text = (s: string) => new TextDecoder().decode(base64UrlBytes(s));
  const h = JSON.parse(text(chunks[0])) as { typ?: string; alg?: string };
  if (h.typ !== "jwt" && h.typ !== "JWT") throw new Error("not a NATS JWT (typ)");
  if (h.alg !== "ed25519" && h.alg !== "ed25519-nkey") throw new Error("not a NATS JWT (alg)");
  const c = JSON.parse(text(chunks[1])) as ClaimsData<T>;
  const issuer = checkPublicKey(String(c.iss ?? ""), undefined, "issuer");
  const signed = h.alg === "ed25519-nkey" ? `${chunks[0]}.${chunks[1]}` : chunks[1];
  if (!verifyNkey(issuer, new TextEncoder().encode(signed), base64UrlBytes(chunks[2]))) {
    throw new Error("sig verification failed");
  }
  return c;
}

/**
 * Decodes a NATS JWT, verifies its signature against its issuer, and checks type, issuer,
 * audience, expiry and not-before. Errors never include the token.
 */
export function verifyJwt<T>(jwt: string, opts: VerifyOptions = {}): ClaimsData<T> {
  let c: ClaimsData<T>;
  try {
    c = decodeVerified<T>(jwt);
  } catch (e) {
    const why = (e as Error).message.includes("sig") ? "bad signature" : "malformed";
    throw new NatsJwtError(`invalid NATS JWT: ${why}`, { cause: e });
  }
  const nats = (c.nats ?? {}) as { type?: string };
  const type = nats.type ?? c.type;
  if (opts.type && type !== opts.type) {
    throw new NatsJwtError(`invalid NATS JWT: type ${type ?? "none"}, expected ${opts.type}`);
  }
  if (opts.issuers && !opts.issuers.includes(c.iss)) {
    throw new NatsJwtError(`invalid NATS JWT: unexpected issuer ${c.iss}`);
  }
  if (opts.audience !== undefined && c.aud !== opts.audience) {
    throw new NatsJwtError(
      `invalid NATS JWT: audience ${JSON.stringify(c.aud)}, expected ${
        JSON.stringify(opts.audience)
      }`,
    );
  }
  if (opts.ignoreTime) return c;
  const now = opts.now ?? unixNow();
  if (c.exp && c.exp > 0 && now >= c.exp) throw new NatsJwtError("NATS JWT expired");
  if (c.nbf && c.nbf > now) throw new NatsJwtError("NATS JWT not yet valid");
  return c;
}

/** Decodes claims without any check (for display only). */
export function peekJwt<T>(jwt: string): ClaimsData<T> {
  const parts = jwt.split(".");
  if (parts.length !== 3) throw new NatsJwtError("invalid NATS JWT: malformed");
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const text = new TextDecoder().decode(
      Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (ch) => ch.charCodeAt(0)),
    );
    return JSON.parse(text) as ClaimsData<T>;
  } catch {
    throw new NatsJwtError("invalid NATS JWT: malformed");
  }
}

/** Parses an expiry given as a duration from now (ms) into unix seconds; 0 = never. */
export function expiresIn(ms: number, now = Date.now()): number | undefined {
  if (ms <= 0) return undefined;
  if (!Number.isFinite(ms)) throw new NatsJwtError("invalid expiry");
  return Math.floor((now + ms) / 1000);
}
