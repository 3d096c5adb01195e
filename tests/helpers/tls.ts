/** A throw-away CA with a server and a client certificate (for 127.0.0.1), made with openssl. */

/** Paths of the generated PEM files. */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function openssl(dir: string, args: string[]): Promise<void> {
  const r = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(r.stderr)}`);
  }
}

/** Writes a P-256 CA and CA-signed `server` and `client` certificates into `dir`. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await Deno.writeTextFile(`${dir}/san.ext`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=osapi test CA",
  ]);
  for (const name of ["server", "client"]) await signCertificate(dir, name);
  return {
    ca: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
  };
}

/** Options of {@link signCertificate}. */
export interface CertOptions {
  /** Subject (default `/CN=<name>`). */
  subject?: string;
  /** Validity in days; -1 gives an already expired certificate (default 1). */
  days?: number;
}

/**
 * Writes `<name>.key` and `<name>.pem` (for 127.0.0.1/localhost) signed by the CA of a
 * {@link makeTestPki} directory; returns the certificate and key paths.
 */
export async function signCertificate(
  dir: string,
  name: string,
  opts: CertOptions = {},
): Promise<{ cert: string; key: string }> {
  const subject = opts.subject ?? `/CN=${name}`;
  await openssl(dir, [
    "req",
    ...ec,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    String(opts.days ?? 1),
    "-extfile",
    "san.ext",
  ]);
  return { cert: `${dir}/${name}.pem`, key: `${dir}/${name}.key` };
}
