import assert from "node:assert/strict";
import { configFromRaw } from "../../src/config/load.ts";
import {
  adminSeedFile,
  adminTokenPath,
  calloutKeyFile,
  configFilePath,
  operatorCredsFile,
  operatorDir,
  pidFilePath,
  signingKeyPath,
  storeDir,
} from "../../src/config/state_layout.ts";

Deno.test("the state layout under data_dir", () => {
  const config = configFromRaw({ data_dir: "/var/lib/osapi" });
  assert.equal(signingKeyPath(config), "/var/lib/osapi/api/signing.key");
  assert.equal(adminTokenPath(config), "/var/lib/osapi/api/admin.token");
  assert.equal(configFilePath(config), "/var/lib/osapi/nats/nats-server.conf");
  assert.equal(pidFilePath(config), "/var/lib/osapi/nats/nats-server.pid");
  assert.equal(adminSeedFile(config), "/var/lib/osapi/nats/admin.seed");
  assert.equal(adminSeedFile(config, "blue"), "/var/lib/osapi/nats/admin-blue.seed");
  assert.equal(storeDir(config), "/var/lib/osapi/jetstream");
  assert.equal(operatorDir(config), "/var/lib/osapi/nats-operator");
  assert.equal(
    operatorCredsFile(operatorDir(config), "DEFAULT", "admin"),
    "/var/lib/osapi/nats-operator/accounts/DEFAULT/users/admin.creds",
  );
  assert.equal(calloutKeyFile(config, "issuer"), "/var/lib/osapi/callout/issuer.nk");
  assert.equal(calloutKeyFile(config, "service"), "/var/lib/osapi/callout/service.nk");
});

Deno.test("configured directories override the state layout", () => {
  const config = configFromRaw({
    data_dir: "/d",
    nats: { server: { store_dir: "/js", auth: { operator: { dir: "/op" } } } },
  });
  assert.equal(storeDir(config), "/js");
  assert.equal(operatorDir(config), "/op");
});
