/**
 * Certificate preflight: before nats-server starts (server side) and before a component
 * connects (client side), the configured PEM files are read and checked with `node:crypto`: the
 * files exist and can be read, the certificate and CA files hold certificates, the private key
 * parses and matches its certificate, and every certificate is valid now. Each problem is an
 * error naming the configuration key and the file, never the key material.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { describeFsError } from "./auth_options.ts";
import { OsapiError } from "../core/errors.ts";

/** A certificate or key file cannot be used; the message names the key and the file. */
export class TlsCheckError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats.tls_invalid", message, options);
  }
}

/** One configured TLS file: the configuration key naming it and its path. */
export interface TlsFileRef {
  key: string;
  path: string;
}

/** The TLS files of one side of a connection (any may be absent). */
export interface TlsRefs {
  cert?: TlsFileRef;
  key?: TlsFileRef;
  ca?: TlsFileRef;
}

/** PEM texts already read from the files of {@link TlsRefs}. */
export interface TlsMaterial {
  cert?: string;
  key?: string;
  ca?: string;
}

const where = (ref: TlsFileRef) => `${ref.key} ${ref.path}`;

/** Reads one TLS file; a missing or unreadable file is an error naming the key and the file. */
export async function readTlsFile(ref: TlsFileRef): Promise<string> {
  try {
    const info = await Deno.stat(ref.path);
    if (!info.isFile) throw new TlsCheckError(`${where(ref)}: not a regular file`);
    return await Deno.readTextFile(ref.path);
  } catch (e) {
    if (e instanceof TlsCheckError) throw e;
    throw new TlsCheckError(`${where(ref)}: ${describeFsError(e)}`, { cause: e });
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Parses every PEM certificate of a file; none (or a broken one) is an error. */
export function parseCertificates(pem: string, ref: TlsFileRef): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    throw new TlsCheckError(
      `${where(ref)}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch {
      throw new TlsCheckError(`${where(ref)}: certificate ${i + 1} cannot be parsed`);
    }
  });
}

/** Fails when `cert` is expired or not yet valid at `now`. */
export function checkValidity(cert: X509Certificate, ref: TlsFileRef, now = new Date()): void {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const subject = cert.subject.replaceAll("\n", ", ");
  if (now < from) {
    throw new TlsCheckError(
      `${where(ref)}: certificate "${subject}" is not valid yet (valid from ${from.toISOString()})`,
    );
  }
  if (now > to) {
    throw new TlsCheckError(
      `${where(ref)}: certificate "${subject}" expired on ${to.toISOString()}`,
    );
  }
}

/** Parses a PEM private key; the parser's own message is not shown (it may quote the input). */
export function parsePrivateKey(pem: string, ref: TlsFileRef): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new TlsCheckError(`${where(ref)}: holds no PEM private key`);
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new TlsCheckError(
      `${where(ref)}: the private key is encrypted; nats-server and osapi need an unencrypted key`,
    );
  }
  try {
    return createPrivateKey(pem);
  } catch {
    throw new TlsCheckError(`${where(ref)}: the private key cannot be parsed`);
  }
}

/**
 * Checks PEM texts of {@link TlsRefs}: certificate and CA files hold valid certificates, the key
 * parses and matches the (first) certificate.
 */
export function checkTlsMaterial(
  material: TlsMaterial,
  refs: TlsRefs,
  now = new Date(),
): void {
  let leaf: X509Certificate | undefined;
  if (refs.cert && material.cert !== undefined) {
    const certs = parseCertificates(material.cert, refs.cert);
    for (const c of certs) checkValidity(c, refs.cert, now);
    leaf = certs[0];
  }
  if (refs.key && material.key !== undefined) {
    const key = parsePrivateKey(material.key, refs.key);
    if (leaf && refs.cert && !leaf.checkPrivateKey(key)) {
      throw new TlsCheckError(
        `${where(refs.key)}: the private key does not match the certificate ${where(refs.cert)}`,
      );
    }
  }
  if (refs.ca && material.ca !== undefined) {
    for (const c of parseCertificates(material.ca, refs.ca)) checkValidity(c, refs.ca, now);
  }
}

/** Reads and checks the files of {@link TlsRefs}; returns their PEM texts. */
export async function checkTlsFiles(refs: TlsRefs, now = new Date()): Promise<TlsMaterial> {
  const material: TlsMaterial = {};
  if (refs.cert) material.cert = await readTlsFile(refs.cert);
  if (refs.key) material.key = await readTlsFile(refs.key);
  if (refs.ca) material.ca = await readTlsFile(refs.ca);
  checkTlsMaterial(material, refs, now);
  return material;
}

function refsOf(
  tls: { cert_file: string; key_file: string; ca_file: string },
  prefix: string,
): TlsRefs {
  const ref = (name: "cert_file" | "key_file" | "ca_file") =>
    tls[name] !== "" ? { key: `${prefix}.${name}`, path: tls[name] } : undefined;
  return { cert: ref("cert_file"), key: ref("key_file"), ca: ref("ca_file") };
}

/** The files of `nats.server.tls` (none when no certificate is configured). */
export function serverTlsRefs(config: Config): TlsRefs {
  const tls = config.nats.server.tls;
  return tls.cert_file === "" && tls.ca_file === "" ? {} : refsOf(tls, "nats.server.tls");
}

/** The files of a component's client TLS section (`<prefix>.tls.*`, e.g. `api.server.nats`). */
export function clientTlsRefs(nats: NatsClientConfig, prefix = ""): TlsRefs {
  return refsOf(nats.tls, prefix === "" ? "tls" : `${prefix}.tls`);
}

/** Checks the certificate files of `nats.server.tls` before nats-server starts. */
export async function checkServerTls(config: Config, now = new Date()): Promise<void> {
  await checkTlsFiles(serverTlsRefs(config), now);
}
