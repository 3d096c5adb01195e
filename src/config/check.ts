/** Checks that span several keys (a field's own type is checked by the schema). */
import { isLabelKey, isLabelValue, LABEL_KEY_HELP, LABEL_VALUE_HELP } from "../core/targets.ts";
import { roleIssues } from "../core/permissions.ts";
import type { IssueSink } from "./fields.ts";
import { type Config, CONSUMER_SETTING_BOUNDS, type NatsClientConfig } from "./schema.ts";
import { formatDuration } from "./units.ts";
import { compareVersions, MIN_NATS_SERVER_VERSION } from "./nats_version.ts";

function requireKey(sink: IssueSink, path: string, value: string, why: string): void {
  if (value === "") sink.add(path, `${path}: required when ${why}`);
}

function checkClient(sink: IssueSink, prefix: string, nats: NatsClientConfig): void {
  const a = nats.auth;
  const why = `${prefix}.auth.type is "${a.type}"`;
  if (a.type === "user_pass") {
    requireKey(sink, `${prefix}.auth.username`, a.username, why);
    requireKey(sink, `${prefix}.auth.password`, a.password, why);
  }
  if (a.type === "token") requireKey(sink, `${prefix}.auth.token`, a.token, why);
  if (a.type === "nkey") requireKey(sink, `${prefix}.auth.nkey_file`, a.nkey_file, why);
  if (a.type === "creds") requireKey(sink, `${prefix}.auth.creds_file`, a.creds_file, why);
  if ((nats.tls.cert_file === "") !== (nats.tls.key_file === "")) {
    sink.add(`${prefix}.tls`, `${prefix}.tls: cert_file and key_file must be given together`);
  }
}

function positive(sink: IssueSink, path: string, ms: number, what = "a duration above 0s"): void {
  if (ms <= 0) sink.add(path, `${path}: ${formatDuration(ms)} is not allowed; expected ${what}`);
}

/** The API server's connection bounds and token policy. */
function checkApiServer(config: Config, sink: IssueSink): void {
  const s = config.api.server;
  positive(sink, "api.server.header_timeout", s.header_timeout);
  positive(sink, "api.server.idle_timeout", s.idle_timeout);
  if (s.max_header_size < 1024) {
    sink.add(
      "api.server.max_header_size",
      `api.server.max_header_size: ${s.max_header_size} is not allowed; expected at least 1KiB`,
    );
  }
  positive(sink, "api.server.security.max_token_lifetime", s.security.max_token_lifetime);
}

/** `job.worker.consumer.ack_wait` within {@link CONSUMER_SETTING_BOUNDS}. */
function checkAckWait(config: Config, sink: IssueSink): void {
  const path = "job.worker.consumer.ack_wait";
  const [min, max] = CONSUMER_SETTING_BOUNDS.ack_wait;
  const ms = config.job.worker.consumer.ack_wait;
  if (ms < min || ms > max) {
    sink.add(
      path,
      `${path}: ${formatDuration(ms)} is not allowed; expected a duration from ` +
        `${formatDuration(min)} to ${formatDuration(max)}`,
    );
  }
}

/** Adds an issue for every inconsistent combination of keys. */
export function checkConfig(config: Config, sink: IssueSink): void {
  checkApiServer(config, sink);
  checkAckWait(config, sink);
  checkClient(sink, "api.server.nats", config.api.server.nats);
  checkClient(sink, "job.worker.nats", config.job.worker.nats);

  const s = config.nats.server;
  if (compareVersions(s.version, MIN_NATS_SERVER_VERSION) < 0) {
    sink.add(
      "nats.server.version",
      `nats.server.version: ${JSON.stringify(s.version)} is too old; osapi needs nats-server ` +
        `${MIN_NATS_SERVER_VERSION} or newer`,
    );
  }
  const why = `nats.server.auth.type is "${s.auth.type}"`;
  if (s.auth.type === "token") requireKey(sink, "nats.server.auth.token", s.auth.token, why);
  if (s.auth.type === "user_pass") {
    if (s.auth.users.length === 0) {
      sink.add(
        "nats.server.auth.users",
        `nats.server.auth.users: at least one user is required when ${why}`,
      );
    }
    s.auth.users.forEach((u, i) => {
      requireKey(sink, `nats.server.auth.users[${i}].username`, u.username, why);
      // with verify_and_map the user name is matched to the client certificate instead
      if (!s.tls.verify_and_map) {
        requireKey(sink, `nats.server.auth.users[${i}].password`, u.password, why);
      }
    });
  }
  if (s.auth.type === "nkey") {
    if (s.auth.nkeys.length === 0) {
      sink.add(
        "nats.server.auth.nkeys",
        `nats.server.auth.nkeys: at least one public key is required when ${why}`,
      );
    }
    s.auth.nkeys.forEach((u, i) =>
      requireKey(sink, `nats.server.auth.nkeys[${i}].public_key`, u.public_key, why)
    );
  }
  if ((s.tls.cert_file === "") !== (s.tls.key_file === "")) {
    sink.add("nats.server.tls", "nats.server.tls: cert_file and key_file must be given together");
  }
  if ((s.tls.verify || s.tls.verify_and_map) && s.tls.ca_file === "") {
    sink.add(
      "nats.server.tls.ca_file",
      "nats.server.tls.ca_file: required when verify or verify_and_map is true",
    );
  }
  if (s.auth.isolation === "account" && s.auth.type !== "user_pass" && s.auth.type !== "nkey") {
    sink.add(
      "nats.server.auth.isolation",
      `nats.server.auth.isolation: "account" applies to user_pass and nkey auth, not ${
        JSON.stringify(s.auth.type)
      } (operator mode always has one account per namespace; callout places users by account)`,
    );
  }
  if (s.auth.view_account !== "" && s.auth.isolation !== "account") {
    sink.add(
      "nats.server.auth.view_account",
      "nats.server.auth.view_account: only with nats.server.auth.isolation: account " +
        "(with one account, a view-role user already sees its namespace)",
    );
  }
  const needsCert = (key: string, what: string) => {
    if (s.tls.cert_file === "") {
      sink.add(key, `${key}: ${what} needs nats.server.tls.cert_file and key_file`);
    }
  };
  if (s.monitor_tls) needsCert("nats.server.monitor_tls", "HTTPS monitoring");
  if (s.websocket.port !== 0) {
    if (!s.websocket.no_tls) {
      needsCert("nats.server.websocket.no_tls", "a TLS websocket (no_tls: false)");
    }
    const others = { "nats.server.port": s.port, "nats.server.http_port": s.http_port };
    for (const [key, other] of Object.entries(others)) {
      if (s.websocket.port === other) {
        sink.add(
          "nats.server.websocket.port",
          `nats.server.websocket.port: ${other} is also ${key}; use two different ports`,
        );
      }
    }
  }
  if (s.http_port !== 0 && s.http_port === s.port) {
    sink.add(
      "nats.server.http_port",
      `nats.server.http_port: ${s.http_port} is also nats.server.port; use two different ports`,
    );
  }
  if (s.lame_duck > 0 && s.lame_duck < 30_000) {
    sink.add(
      "nats.server.lame_duck",
      `nats.server.lame_duck: invalid value "${
        formatDuration(s.lame_duck)
      }"; expected 0s (off) or at least 30s (nats-server's minimum)`,
    );
  }
  if (s.cluster.name !== "" && s.cluster.listen === "") {
    sink.add(
      "nats.server.cluster.listen",
      "nats.server.cluster.listen: required when nats.server.cluster.name is set",
    );
  }
  for (const issue of roleIssues(config.api.server.security.roles)) {
    sink.add(issue.path, issue.message);
  }
  for (const [key, value] of Object.entries(config.job.worker.labels)) {
    if (!isLabelKey(key)) {
      sink.add(
        `job.worker.labels.${key}`,
        `job.worker.labels: invalid label key ${JSON.stringify(key)}; expected ${LABEL_KEY_HELP}`,
      );
    }
    if (!isLabelValue(value)) {
      sink.add(
        `job.worker.labels.${key}`,
        `job.worker.labels.${key}: invalid value ${
          JSON.stringify(value)
        }; expected ${LABEL_VALUE_HELP}`,
      );
    }
  }
}
