/**
 * The auth-mode matrix: for every server auth mode osapi ships, a real nats-server started by the
 * supervisor from the configuration osapi renders (operator store from operator init, callout
 * answered by osapi's callout service), with two namespaces `nsa` and `nsb`. For each mode a
 * client of namespace A (role api, or admin where accounts isolate) is checked:
 * - the right credentials connect; wrong credentials are refused ("Authorization Violation");
 * - a publish and a subscribe its role forbids give "Permissions Violation";
 * - it cannot publish to B's job subjects, subscribe to B's results, read B's jobs stream
 *   (`$JS.API.STREAM.INFO.nsb-JOBS`) or read B's KV bucket (direct get).
 * `none` and `token` have no per-user permissions: there is no isolation, and the table says so.
 * The table is printed with console.log.
 */
import assert from "node:assert/strict";
import { Kvm } from "@nats-io/kv";
import {
  configPermissions,
  initOperator,
  namespaceCredsFile,
} from "../../src/nats_auth/operator_init.ts";
import { startCalloutService } from "../../src/nats_auth/callout_service.ts";
import { writeCredsFile } from "../../src/nats_auth/creds.ts";
import { encodeUserJwt } from "../../src/nats_auth/nats_jwt.ts";
import { generateKey } from "../../src/nats_auth/nats_keys.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config, NatsClientConfig } from "../../src/config/schema.ts";
import { writeSecretFile } from "../../src/config/paths.ts";
import { silent } from "../../src/log.ts";
import { routerFor } from "../../src/nats/resources.ts";
import { JS_API, kvStream } from "../../src/nats/subjects.ts";
import { adminClientConfig } from "../../src/server/admin_identity.ts";
import { startNats } from "../../src/runtime/nats.ts";
import { authFragmentSource } from "../../src/nats_auth/auth_fragment.ts";
import bcrypt from "bcryptjs";
import { createUser } from "@nats-io/nkeys";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { makeTestPki, signCertificate } from "../helpers/tls.ts";
import { connectAs, loginOutcome, type Outcome, Probe } from "./probes.ts";

const A = "nsa";
const B = "nsb";

type Raw = Record<string, unknown>;

/** One row: an auth mode and the client of namespace A checked in it. */
interface Mode {
  name: string;
  /** `nats.server` settings (ports, data_dir and namespace are added). */
  server(dir: string): Promise<Raw>;
  /** Runs before the supervisor starts (operator init). */
  before?(dir: string, config: Config): Promise<void>;
  /** Runs after it is ready (the callout service); returns a stop function. */
  after?(config: Config): Promise<() => Promise<void>>;
  /** The `nats` client settings (auth, tls) of A's identity, and of a wrong one. */
  right(dir: string): Promise<Raw>;
  wrong(dir: string): Promise<Raw>;
  /** A subject A's role may not publish to, and one it may not subscribe to (none: no roles). */
  forbidden?: { publish: string; subscribe: string };
  /** Why there is no forbidden subject (default: no per-user permissions). */
  unrestricted?: string;
  /** Expected outcomes against namespace B. */
  expect: Outcome;
  /** `accepted` where wrong credentials cannot be refused (no auth). */
  wrongAccepted?: boolean;
}

const apiForbidden = { publish: `${A}.jobs.results.j1`, subscribe: `${A}.jobs.query.>` };
const users = (pw: (name: string) => string) => [
  { username: "a-api", password: pw("a-api"), role: "api", namespace: A },
  { username: "b-api", password: pw("b-api"), role: "api", namespace: B },
  { username: "a-admin", password: pw("a-admin"), role: "admin", namespace: A },
];

/** An nkey user of the given role whose seed file is written into `dir`. */
async function nkeyUser(dir: string, name: string) {
  const pair = createUser();
  const file = `${dir}/${name}.nk`;
  if (!(await Deno.stat(file).catch(() => undefined))) {
    await writeSecretFile(file, new TextDecoder().decode(pair.getSeed()) + "\n");
    await Deno.writeTextFile(`${dir}/${name}.pub`, pair.getPublicKey());
  }
  return { file, publicKey: await Deno.readTextFile(`${dir}/${name}.pub`) };
}

/** Creds of a user signed by an account the server does not know. */
async function foreignCreds(dir: string): Promise<string> {
  const account = generateKey("account");
  const user = generateKey("user");
  const jwt = await encodeUserJwt(
    user.publicKey,
    { name: "intruder", permissions: { pub: { allow: [">"] }, sub: { allow: [">"] } } },
    account.publicKey,
    account.pair,
  );
  const file = `${dir}/intruder.creds`;
  await writeCredsFile(file, jwt, user.seed);
  return file;
}

const ADMIN_NOTE = "n/a (admin role: all subjects)";

const userPass = (isolation: string, who: string): Mode => ({
  name: `user_pass, isolation ${isolation} (${who})`,
  server: () =>
    Promise.resolve({ auth: { type: "user_pass", isolation, users: users((n) => `${n}-pw`) } }),
  right: () =>
    Promise.resolve({ auth: { type: "user_pass", username: who, password: `${who}-pw` } }),
  wrong: () => Promise.resolve({ auth: { type: "user_pass", username: who, password: "nope" } }),
  forbidden: who === "a-api" ? apiForbidden : undefined,
  unrestricted: ADMIN_NOTE,
  // an admin of A sees everything of its account: with one account, that includes B
  expect: who === "a-api" ? "denied" : isolation === "account" ? "isolated" : "open",
});

const operator = (who: "api" | "admin"): Mode => ({
  name: `operator (${who} creds)`,
  server: (dir) => Promise.resolve({ auth: { type: "operator", operator: { dir: `${dir}/op` } } }),
  before: async (dir, config) => {
    await initOperator({
      dir: `${dir}/op`,
      namespaces: [A, B],
      resolver: "full",
      permissions: configPermissions(config),
    });
  },
  right: (dir) =>
    Promise.resolve({
      auth: { type: "creds", creds_file: namespaceCredsFile(`${dir}/op`, A, who) },
    }),
  wrong: async (dir) => ({ auth: { type: "creds", creds_file: await foreignCreds(dir) } }),
  forbidden: who === "api" ? apiForbidden : undefined,
  unrestricted: ADMIN_NOTE,
  expect: who === "api" ? "denied" : "isolated",
});

const MODES: Mode[] = [
  {
    name: "none",
    server: () => Promise.resolve({ auth: { type: "none" } }),
    right: () => Promise.resolve({ auth: { type: "none" } }),
    wrong: () => Promise.resolve({ auth: { type: "user_pass", username: "x", password: "y" } }),
    expect: "open",
    wrongAccepted: true,
  },
  {
    name: "token",
    server: () => Promise.resolve({ auth: { type: "token", token: "s3cret-token" } }),
    right: () => Promise.resolve({ auth: { type: "token", token: "s3cret-token" } }),
    wrong: () => Promise.resolve({ auth: { type: "token", token: "wrong-token" } }),
    expect: "open",
  },
  userPass("permissions", "a-api"),
  userPass("permissions", "a-admin"),
  {
    name: "nkey",
    server: async (dir) => ({
      auth: {
        type: "nkey",
        nkeys: [
          { public_key: (await nkeyUser(dir, "a-api")).publicKey, role: "api", namespace: A },
          { public_key: (await nkeyUser(dir, "b-api")).publicKey, role: "api", namespace: B },
        ],
      },
    }),
    right: async (dir) => ({
      auth: { type: "nkey", nkey_file: (await nkeyUser(dir, "a-api")).file },
    }),
    wrong: async (dir) => ({
      auth: { type: "nkey", nkey_file: (await nkeyUser(dir, "stranger")).file },
    }),
    forbidden: apiForbidden,
    expect: "denied",
  },
  userPass("account", "a-api"),
  userPass("account", "a-admin"),
  operator("api"),
  operator("admin"),
  {
    name: "callout (osapi service)",
    server: () =>
      Promise.resolve({
        auth: {
          type: "callout",
          callout: { users: users((n) => bcrypt.hashSync(`${n}-pw`, 4)) },
        },
      }),
    after: async (config) => {
      const svc = await startCalloutService(config, silent, { signingKey: "" });
      return () => svc.stop();
    },
    right: () =>
      Promise.resolve({ auth: { type: "user_pass", username: "a-api", password: "a-api-pw" } }),
    wrong: () =>
      Promise.resolve({ auth: { type: "user_pass", username: "a-api", password: "nope" } }),
    forbidden: apiForbidden,
    expect: "denied",
  },
  {
    name: "mTLS verify_and_map (certificate subject = user)",
    server: async (dir) => {
      const pki = await makeTestPki(dir);
      return {
        tls: {
          cert_file: pki.serverCert,
          key_file: pki.serverKey,
          ca_file: pki.ca,
          verify_and_map: true,
        },
        auth: {
          type: "user_pass",
          users: [
            { username: "CN=a-api", role: "api", namespace: A },
            { username: "CN=b-api", role: "api", namespace: B },
          ],
        },
      };
    },
    right: async (dir) => {
      const c = await signCertificate(dir, "a-api");
      return { tls: { ca_file: `${dir}/ca.pem`, cert_file: c.cert, key_file: c.key } };
    },
    wrong: async (dir) => {
      const c = await signCertificate(dir, "nobody");
      return { tls: { ca_file: `${dir}/ca.pem`, cert_file: c.cert, key_file: c.key } };
    },
    forbidden: apiForbidden,
    expect: "denied",
  },
];

/** One measured row of the table. */
interface Row {
  mode: string;
  login: string;
  wrong: string;
  forbidden: string;
  pubB: Outcome;
  subB: Outcome;
  streamB: Outcome;
  kvB: Outcome;
}

async function runMode(mode: Mode): Promise<Row> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-matrix-" });
  const stops: (() => Promise<void>)[] = [];
  try {
    const [port, http_port] = freePorts(2);
    const server = { port, http_port, namespace: A, ...(await mode.server(dir)) } as Raw;
    const auth = server.auth as Raw;
    if (auth.type === "callout") {
      auth.callout = { ...(auth.callout as Raw), nats: { port, namespace: A } };
    }
    const config = configFromRaw({ data_dir: `${dir}/data`, nats: { server } });
    await mode.before?.(dir, config);
    const sup = await startNats({
      config,
      binary: await natsServerBin(),
      log: silent,
      namespaces: [A, B],
      authFragment: authFragmentSource(config, silent),
    });
    stops.push(() => sup.stop());
    if (mode.after) stops.push(await mode.after(config));
    const client = (nats: Raw, namespace = A): NatsClientConfig =>
      configFromRaw({ api: { server: { nats: { port, namespace, ...nats } } } }).api.server.nats;

    // B's side: the supervisor's admin identity in namespace B writes a secret into B's bucket
    const watcher = await connectAs(adminClientConfig(config, sup.identity, B));
    stops.push(() => watcher.close());
    const rb = routerFor(config, B);
    await (await new Kvm(watcher).open(rb.jobBucket)).put("secret", "b-data");

    const login = await loginOutcome(client(await mode.right(dir)));
    const wrong = await loginOutcome(client(await mode.wrong(dir)));
    const nc = await connectAs(client(await mode.right(dir)));
    stops.push(() => nc.close());
    const probe = new Probe(nc);

    let forbidden = mode.unrestricted ?? "n/a (no per-user permissions)";
    if (mode.forbidden) {
      const pub = await probe.publishRefusal(mode.forbidden.publish);
      const sub = await probe.subscribeRefusal(mode.forbidden.subscribe);
      assert.match(String(pub), /Permissions Violation for Publish/, `${mode.name}: publish`);
      assert.match(
        String(sub),
        /Permissions Violation for Subscription/,
        `${mode.name}: subscribe`,
      );
      forbidden = "Permissions Violation";
    }
    const kvSubject = `${JS_API.directGet(kvStream(rb.jobBucket), "")}.$KV.${rb.jobBucket}.secret`;
    return {
      mode: mode.name,
      login,
      wrong: /Authorization Violation/i.test(wrong) ? "Authorization Violation" : wrong,
      forbidden,
      pubB: await probe.publishTo(`${B}.jobs.query._any`, watcher),
      subB: await probe.subscribeTo(rb.resultsWildcard(), watcher, rb.result("j1")),
      streamB: await probe.request(
        JS_API.stream("INFO", rb.stream),
        (r) => (JSON.parse(r) as { config?: unknown }).config !== undefined,
      ),
      kvB: await probe.request(kvSubject, (r) => r === "b-data"),
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function printTable(rows: Row[]): void {
  const head: Row = {
    mode: "auth mode (client of namespace A)",
    login: "right creds",
    wrong: "wrong creds",
    forbidden: "forbidden pub/sub",
    pubB: "pub B" as Outcome,
    subB: "sub B" as Outcome,
    streamB: "stream B" as Outcome,
    kvB: "KV B" as Outcome,
  };
  const keys = Object.keys(head) as (keyof Row)[];
  const width = keys.map((k) => Math.max(...[head, ...rows].map((r) => String(r[k]).length)));
  const line = (r: Row) =>
    "| " + keys.map((k, i) => String(r[k]).padEnd(width[i])).join(" | ") + " |";
  console.log(
    [
      "",
      line(head),
      "|" + width.map((w) => "-".repeat(w + 2)).join("|") + "|",
      ...rows.map(line),
      "denied: Permissions Violation; isolated: allowed but another account (nothing reached);",
      "open: namespace B reached (none and token have no per-user permissions; an admin-role",
      "user of a single-account mode sees every namespace: use isolation account or operator).",
    ].join("\n"),
  );
}

Deno.test("auth-mode matrix: credentials, permissions and namespace isolation in every mode", async () => {
  const rows: Row[] = [];
  try {
    for (const mode of MODES) {
      const row = await runMode(mode);
      rows.push(row);
      assert.equal(row.login, "accepted", `${mode.name}: right credentials`);
      assert.equal(
        row.wrong,
        mode.wrongAccepted ? "accepted" : "Authorization Violation",
        `${mode.name}: wrong credentials`,
      );
      for (const k of ["pubB", "subB", "streamB", "kvB"] as const) {
        assert.equal(row[k], mode.expect, `${mode.name}: ${k}`);
      }
    }
  } finally {
    printTable(rows);
  }
});
