/**
 * The osapi.yaml schema: every key, its default and its one-line description. `config init`,
 * `config show`, the README's configuration table and the `OSAPI_*` environment overrides are
 * all derived from this one tree.
 */
import {
  bool,
  duration,
  durations,
  type Infer,
  int,
  list,
  map,
  num,
  oneOf,
  port,
  section,
  size,
  str,
  strings,
} from "./fields.ts";

/**
 * Namespace names that would collide with another namespace's names, compared case-insensitively
 * (see `validateNamespace` in src/nats/subjects.ts): the empty namespace's top-level subject
 * tokens (`jobs`, `dlq`), its account (`DEFAULT`), the operator's system account (`SYS`).
 */
export const RESERVED_NAMESPACES = ["jobs", "dlq", "DEFAULT", "SYS"] as const;
/** Reserved namespace prefixes: NATS's own subjects (`_INBOX`, `_R_`) and KV/object streams. */
export const RESERVED_NAMESPACE_PREFIXES = ["_", "KV_", "OBJ_"] as const;
/**
 * Namespaces: 1-32 characters of `[A-Za-z0-9_-]`, not reserved, or empty for OSAPI's
 * unprefixed names.
 */
export const NAMESPACE_PATTERN = new RegExp(
  `^(?!(?:${RESERVED_NAMESPACES.join("|")})$|${RESERVED_NAMESPACE_PREFIXES.join("|")})` +
    "[A-Za-z0-9_-]{1,32}$",
  "i",
);
const NAMESPACE_HELP = "1-32 characters of A-Z a-z 0-9 _ - other than " +
  `${RESERVED_NAMESPACES.join(", ")} and not starting with ` +
  `${RESERVED_NAMESPACE_PREFIXES.join(", ")} (or empty for no prefix)`;

/** Client-side NATS auth types. */
export const CLIENT_AUTH_TYPES = ["none", "token", "user_pass", "nkey", "creds"] as const;
/** Server-side NATS auth types. */
export const SERVER_AUTH_TYPES = [
  "none",
  "token",
  "user_pass",
  "nkey",
  "operator",
  "callout",
] as const;
/** Least-privilege permission sets a server-side user can be given. */
/**
 * Bounds of a worker's consumer settings (`job.worker.consumer`; `ack_wait` in ms): what the
 * config accepts and what the consumer service builds consumers with.
 */
export const CONSUMER_SETTING_BOUNDS = {
  max_deliver: [1, 1_000],
  ack_wait: [100, 24 * 3_600_000],
  max_ack_pending: [1, 1_000_000],
} as const;

export const NATS_ROLES = ["admin", "api", "worker", "component", "view"] as const;

/** Account names written into nats-server.conf: a safe token only. */
const ACCOUNT_NAME = {
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  patternHelp: "an account name of 1-64 characters of A-Z a-z 0-9 _ -",
};

const namespace = (doc: string) =>
  str("osapi", doc, { pattern: NAMESPACE_PATTERN, patternHelp: NAMESPACE_HELP });

const storage = (doc = "JetStream storage backend") => oneOf(["file", "memory"], "file", doc);
const replicas = () => int(1, "number of JetStream replicas (1, 3 or 5 in a cluster)", 1, 5);

/** The client connection section shared by the API and the worker. */
function natsClient(clientName: string) {
  return section("how this component connects to NATS", {
    host: str("127.0.0.1", "NATS server host to connect to"),
    port: port(4222, "NATS server client port"),
    urls: strings([], "NATS server URLs (nats://host:port); overrides host/port when set"),
    client_name: str(clientName, "connection name shown in NATS monitoring"),
    namespace: namespace("namespace prefixed to every subject, stream, bucket and consumer"),
    auth: section("credentials presented to NATS", {
      type: oneOf(CLIENT_AUTH_TYPES, "none", "client auth type"),
      username: str("", "user name (user_pass)"),
      password: str("", "password (user_pass)", { secret: true }),
      token: str("", "token (token)", { secret: true }),
      nkey_file: str("", "path of the NKey seed file (nkey)"),
      creds_file: str("", "path of the JWT credentials file (creds)"),
    }),
    tls: section("TLS towards NATS", {
      ca_file: str("", "CA certificate(s) used to verify the server"),
      cert_file: str("", "client certificate (mTLS)"),
      key_file: str("", "client private key (mTLS)"),
    }),
  });
}

const natsUserShape = {
  role: oneOf(
    NATS_ROLES,
    "component",
    "permission set: admin, api, worker, component (api+worker), or view (read-only)",
  ),
  namespace: str("", "namespace the permissions are fenced to (empty: nats.server.namespace)", {
    pattern: NAMESPACE_PATTERN,
    patternHelp: NAMESPACE_HELP,
  }),
  hostname: str("", "host name of the worker this user is for (empty: any host)"),
};

/** The whole osapi.yaml schema. */
export const schema = section("osapi configuration", {
  data_dir: str(
    "",
    "state directory (keys, JetStream store); empty: $XDG_DATA_HOME/osapi or ./.osapi",
  ),
  log: section("logging", {
    level: oneOf(["debug", "info", "warn", "error"], "info", "minimum level logged"),
    format: oneOf(["text", "json"], "text", "log line format"),
  }),
  nats: section("the NATS server and the JetStream resources osapi uses", {
    server: section("the supervised nats-server", {
      binary: str("", "path of a nats-server binary to use (empty: cache, PATH, then download)"),
      version: str("2.14.5", "nats-server version to download and to require from the cache", {
        pattern: /^\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?$/,
        patternHelp: "a version such as 2.14.5",
      }),
      download_url: str(
        "https://github.com/nats-io/nats-server/releases/download",
        "release base URL; archives are fetched from <url>/v<version>/",
      ),
      host: str("127.0.0.1", "address nats-server listens on for clients"),
      port: port(4222, "client port"),
      http_port: port(8222, "monitoring port (health checks); 0 disables it"),
      monitor_tls: bool(
        false,
        "serve the monitoring port over HTTPS with nats.server.tls's certificate",
      ),
      server_name: str("osapi", "server_name of this node (unique in a cluster)"),
      store_dir: str("", "JetStream store directory (empty: <data_dir>/jetstream)"),
      namespace: namespace("namespace whose streams and buckets the server start ensures"),
      max_memory: size(-1, "JetStream memory store limit (-1: nats-server default)"),
      max_file: size(-1, "JetStream file store limit (-1: nats-server default)"),
      lame_duck: duration("0s", "lame duck duration on shutdown (0s: plain SIGTERM)"),
      restart_backoff: duration("200ms", "first restart delay after an unexpected exit"),
      max_restarts: int(5, "restarts within restart_window before giving up", 0),
      restart_window: duration("1m", "window in which max_restarts is counted"),
      ready_timeout: duration("15s", "how long to wait for /healthz after a start"),
      auth: section("server-side authentication", {
        type: oneOf(SERVER_AUTH_TYPES, "none", "server auth type"),
        timeout: duration("2s", "time a client has to authenticate"),
        isolation: oneOf(
          ["permissions", "account"],
          "permissions",
          "user_pass/nkey: namespaces fenced by permissions in one account, or one account each",
        ),
        view_account: str(
          "",
          "isolation account: a read-only account seeing every namespace's jobs (role view users)",
          ACCOUNT_NAME,
        ),
        token: str("", "client token (token); stored bcrypt-hashed in the rendered file", {
          secret: true,
        }),
        users: list(
          "user_pass users",
          section("a user", {
            username: str("", "user name"),
            password: str("", "plaintext (hashed at render time) or a bcrypt hash", {
              secret: true,
            }),
            ...natsUserShape,
          }),
        ),
        nkeys: list(
          "nkey users (a bare public key is a component user)",
          section("an nkey user", {
            public_key: str("", "user public NKey (starts with U)", {
              pattern: /^U[A-Z2-7]{55}$/,
              patternHelp: "a user public NKey (56 characters starting with U)",
            }),
            ...natsUserShape,
          }),
          "public_key",
        ),
        operator: section("operator (JWT) mode; `osapi nats operator init` writes the store", {
          dir: str("", "operator store directory (empty: <data_dir>/nats-operator)"),
          name: str("osapi", "operator name written into the operator JWT"),
          resolver: oneOf(
            ["memory", "full"],
            "full",
            "account resolver: memory (preloaded at start) or full (directory; accepts pushes)",
          ),
          resolver_dir: str("", "full resolver JWT directory (empty: <dir>/resolver)"),
          jetstream: section("JetStream limits of each namespace account", {
            max_memory: size(-1, "memory storage per account (-1: unlimited)"),
            max_file: size(-1, "file storage per account (-1: unlimited)"),
            max_streams: int(-1, "streams per account (-1: unlimited)", -1),
            max_consumers: int(-1, "consumers per account (-1: unlimited)", -1),
          }),
        }),
        callout: section("auth callout mode: osapi answers $SYS.REQ.USER.AUTH", {
          issuer_seed_file: str(
            "",
            "account seed (SA...) signing callout responses (empty: <data_dir>/callout/issuer.nk)",
          ),
          xkey_seed_file: str(
            "",
            "curve seed (SX...) encrypting requests and responses (empty: off)",
          ),
          account: str("AUTH", "account the callout service user lives in", ACCOUNT_NAME),
          target_account: str(
            "APP",
            "account users are placed in unless their entry names one",
            ACCOUNT_NAME,
          ),
          user_ttl: duration(
            "1h",
            "lifetime of issued user JWTs (capped by an API token's expiry)",
          ),
          auth_user_roles: strings(
            ["admin", "api", "worker", "component"],
            "roles of users rendered as nats-server users in auth_users: they log in without " +
              "the callout (a callout outage or login flood cannot strand them; no user_ttl)",
          ),
          nats: natsClient("osapi-auth-callout"),
          users: list(
            "users with bcrypt passwords the callout accepts",
            section("a callout user", {
              username: str("", "user name"),
              password: str("", "bcrypt hash of the password ($2a$/$2b$...)", { secret: true }),
              account: str(
                "",
                "account the user is placed in (empty: target_account)",
                ACCOUNT_NAME,
              ),
              ...natsUserShape,
            }),
          ),
        }),
      }),
      tls: section("TLS for client connections", {
        cert_file: str("", "server certificate"),
        key_file: str("", "server private key"),
        ca_file: str("", "CA used to verify client certificates"),
        verify: bool(false, "require and verify client certificates (mTLS)"),
        verify_and_map: bool(false, "map the client certificate subject to a user"),
        timeout: duration("2s", "TLS handshake timeout"),
      }),
      websocket: section("websocket listener (same users and permissions as the client port)", {
        port: port(0, "websocket port (0: off)"),
        host: str("", "websocket listen address (empty: nats.server.host)"),
        no_tls: bool(false, "plain ws:// (else wss:// with nats.server.tls's certificate)"),
        allowed_origins: strings([], "browser origins allowed to connect (empty: any)"),
        compression: bool(false, "permessage-deflate compression"),
        handshake_timeout: duration("2s", "time a client has to finish the websocket handshake"),
      }),
      cluster: section("JetStream cluster", {
        name: str("", "cluster name (empty: no cluster)"),
        listen: str("", "route listen address, e.g. 0.0.0.0:6222"),
        routes: strings([], "seed routes, e.g. nats-route://host:6222"),
      }),
    }),
    stream: section("the jobs stream", {
      name: str("JOBS", "stream name (prefixed with <namespace>-)"),
      max_age: duration("24h", "how long jobs are kept"),
      max_msgs: int(10000, "maximum jobs kept", -1),
      max_bytes: size(-1, "maximum bytes kept"),
      storage: storage(),
      replicas: replicas(),
      discard: oneOf(["old", "new"], "old", "what to drop when full"),
    }),
    kv: section("job records and results", {
      bucket: str("job-queue", "job record bucket (prefixed with <namespace>-)"),
      response_bucket: str("job-responses", "job result bucket (prefixed with <namespace>-)"),
      ttl: duration("1h", "how long job records and results are kept"),
      max_bytes: size("100MiB", "bucket size limit"),
      storage: storage(),
      replicas: replicas(),
    }),
    dlq: section("dead-letter stream for jobs that exhausted their deliveries", {
      name: str("JOBS-DLQ", "DLQ stream name (prefixed with <namespace>-)"),
      max_age: duration("7d", "how long dead jobs are kept"),
      max_msgs: int(1000, "maximum dead jobs kept", -1),
      max_bytes: size(-1, "maximum bytes kept"),
      storage: storage(),
      replicas: replicas(),
    }),
    audit: section("API audit log", {
      bucket: str("audit-log", "audit bucket (prefixed with <namespace>-)"),
      ttl: duration("720h", "how long audit entries are kept"),
      max_bytes: size("50MiB", "bucket size limit"),
      storage: storage(),
      replicas: replicas(),
    }),
    registry: section("worker heartbeat registry", {
      bucket: str("worker-registry", "registry bucket (prefixed with <namespace>-)"),
      ttl: duration("30s", "a worker is gone when it has not beaten for this long"),
      storage: storage(),
      replicas: replicas(),
    }),
    state: section("agent state an operator sets (drain), kept until changed", {
      bucket: str("agent-state", "agent state bucket (prefixed with <namespace>-)"),
      auto_accept: bool(
        true,
        "new agents take jobs at once (false: they wait in GET /api/agent/pending to be accepted)",
      ),
      storage: storage(),
      replicas: replicas(),
    }),
    objects: section("file object store (POST /api/file, file deploy)", {
      bucket: str("file-objects", "object store bucket (prefixed with <namespace>-)"),
      max_bytes: size("1GiB", "object store size limit"),
      max_file_size: size("64MiB", "largest file accepted by POST /api/file"),
      storage: storage(),
      replicas: replicas(),
    }),
    file_state: section("where workers record the files they deployed (GET /api/file/stale)", {
      bucket: str("file-state", "file state bucket (prefixed with <namespace>-)"),
      storage: storage(),
      replicas: replicas(),
    }),
  }),
  api: section("the REST API", {
    server: section("the API server", {
      host: str("127.0.0.1", "listen address"),
      port: port(8080, "listen port"),
      max_body: size("1MiB", "largest accepted request body"),
      header_timeout: duration(
        "10s",
        "longest time a client may take to send a request head (then the connection is closed)",
      ),
      idle_timeout: duration(
        "60s",
        "a connection on which neither side sends anything for this long is closed",
      ),
      max_connections: int(1024, "client connections open at once; more are refused (503)", 1),
      max_header_size: size("64KiB", "largest request head; a larger one is refused (431)"),
      nats: natsClient("osapi-api"),
      security: section("authentication and authorisation", {
        signing_key: str("", "HS256 key for bearer tokens (empty: generated into data_dir)", {
          secret: true,
        }),
        max_token_lifetime: duration(
          "8760h",
          "longest token lifetime (exp - iat) accepted or generated",
        ),
        token_clock_skew: duration("60s", "how far in the future a token's iat may be"),
        roles: map(
          "custom roles (or overrides of admin/write/read) and their permissions",
          section("a role", {
            permissions: strings([], "permissions, e.g. system:read, command:execute"),
          }),
        ),
        cors: section("CORS", {
          allow_origins: strings([], "origins allowed to call the API from a browser"),
        }),
      }),
      docs: section("the API's documentation: /openapi.json and /docs", {
        require_token: bool(
          false,
          "require a valid bearer token for /openapi.json and /docs (default: public)",
        ),
      }),
      jobs: section("how the API waits for job results", {
        timeout: duration("30s", "longest wait for results before answering"),
        quiet_period: duration("500ms", "broadcast: stop waiting this long after the last result"),
      }),
    }),
    client: section("the CLI client", {
      url: str(
        "",
        "API base URL (empty: http://<api.server.host>:<api.server.port>, a wildcard host as 127.0.0.1)",
      ),
      security: section("client credentials", {
        bearer_token: str("", "bearer token sent to the API", { secret: true }),
      }),
    }),
  }),
  job: section("jobs", {
    worker: section("the worker on each managed host", {
      nats: natsClient("osapi-job-worker"),
      hostname: str("", "host name this worker answers for (empty: the system host name)"),
      labels: map("labels for key:value targets; dotted values are hierarchical", str("", "")),
      max_jobs: int(10, "jobs run at once", 1, 1000),
      consumer: section("the worker's JetStream consumers", {
        max_deliver: int(
          5,
          "deliveries before a job goes to the DLQ",
          ...CONSUMER_SETTING_BOUNDS.max_deliver,
        ),
        ack_wait: duration("2m", "time a worker holds a job before redelivery"),
        back_off: durations(["30s", "2m", "5m", "15m", "30m"], "redelivery delays"),
        max_ack_pending: int(
          1000,
          "unacknowledged jobs allowed per consumer",
          ...CONSUMER_SETTING_BOUNDS.max_ack_pending,
        ),
      }),
      facts: section("facts the worker reports with its heartbeat (GET /api/agent)", {
        interval: duration("60s", "how often the host's facts are collected"),
      }),
      conditions: section("node conditions derived from the facts", {
        memory_pressure_threshold: int(90, "MemoryPressure at this % of memory used", 1, 100),
        high_load_multiplier: num(2, "HighLoad when the 1-minute load exceeds CPUs x this", 0),
        disk_pressure_threshold: int(
          90,
          "DiskPressure at this % of the root file system used",
          1,
          100,
        ),
      }),
    }),
  }),
  telemetry: section("telemetry", {
    metrics: section("Prometheus metrics", {
      path: str("/metrics", "metrics path on the API server", {
        pattern: /^\/[A-Za-z0-9_./-]*$/,
        patternHelp: "an absolute URL path such as /metrics",
      }),
      auth: oneOf(
        ["token", "public"],
        "token",
        "who may scrape the path on the API port: token (a bearer token with health:read) " +
          "or public (no token)",
      ),
      listener: section("a separate metrics listener (OSAPI's metrics.enabled/host/port)", {
        enabled: bool(false, "serve the metrics path, without a token, on host:port too"),
        host: str("127.0.0.1", "metrics listener address"),
        port: port(9090, "metrics listener port (0: any free port)"),
      }),
    }),
  }),
});

/** A parsed, validated osapi configuration. */
export type Config = Infer<typeof schema>;
/** The NATS client section of the API or the worker. */
export type NatsClientConfig = Config["api"]["server"]["nats"];
/** The server side of the NATS configuration. */
export type NatsServerConfig = Config["nats"]["server"];
