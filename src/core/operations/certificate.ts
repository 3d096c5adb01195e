/**
 * `node.certificate.*`: CA certificates osapi installs into the host's trust store (PEM files
 * under `/usr/local/share/ca-certificates/osapi/`, then `update-ca-certificates`), and the list
 * of the CA certificates the host has (distribution-provided and locally installed).
 */
import { z } from "zod";
import { str } from "./fields.ts";
import { nodeDomain } from "./node_ops.ts";
import { addIssues, objectName, sourceIssues } from "./object_source.ts";

/** A certificate name (its file name without `.crt`). */
export const certificateName = str({
  description: "Certificate name (the file name without .crt): letters, digits, _ and -, " +
    "not starting with -.",
  minLength: 1,
  maxLength: 64,
  pattern: /^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/,
  hint: "letters, digits, _ and -, not starting with -",
  example: "internal-corp-ca",
});

/** At most this many certificates in one PEM text. */
export const MAX_PEM_CERTIFICATES = 100;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The header and content lengths of the DER SEQUENCE at `at` of `der`, or undefined. */
function derSequence(der: Uint8Array, at = 0): { header: number; length: number } | undefined {
  if (der.length < at + 2 || der[at] !== 0x30) return undefined;
  const first = der[at + 1];
  if (first < 0x80) return { header: 2, length: first };
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < at + 2 + n) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i];
  return { header: 2 + n, length };
}

/**
 * What is wrong with `text` as a PEM file of X.509 certificates, or undefined when nothing is:
 * only `CERTIFICATE` blocks (and blank space between them), each of base64 lines decoding to one
 * DER SEQUENCE whose first element is a SEQUENCE (tbsCertificate). Never quotes the text.
 */
export function pemProblem(text: string): string | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return "holds no -----BEGIN CERTIFICATE----- block";
  if (blocks.length > MAX_PEM_CERTIFICATES) {
    return `holds ${blocks.length} certificates (at most ${MAX_PEM_CERTIFICATES})`;
  }
  if (text.replace(PEM_BLOCK, "").trim() !== "") {
    return "holds text outside its -----BEGIN CERTIFICATE----- blocks";
  }
  for (const [i, b] of blocks.entries()) {
    const which = `block ${i + 1}`;
    if (b[1] !== "CERTIFICATE") return `${which} is a ${b[1]}, not a CERTIFICATE`;
    const body = b[2].replace(/\r?\n/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      return `${which} is not valid base64`;
    }
    const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    const outer = derSequence(der);
    if (!outer || outer.header + outer.length !== der.length || !derSequence(der, outer.header)) {
      return `${which} is not a DER-encoded X.509 certificate`;
    }
  }
  return undefined;
}

/** PEM text of X.509 certificates (inline `content`, or the text of an `object`). */
export const pemContent = str({
  description: "osapi: the certificate(s) in PEM, one or more -----BEGIN CERTIFICATE----- " +
    "blocks; or give object.",
  minLength: 1,
  maxLength: 512 * 1024,
}).check((ctx) => {
  const problem = pemProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

const pemObject = objectName.meta({
  description: "Object Store reference for the PEM file (a file of POST /api/file); or give " +
    "content.",
  example: "corp-ca.pem",
});

/** The PEM of a create or update: exactly one of `content` and `object`. */
const pemSource = {
  content: pemContent.optional(),
  object: pemObject.optional(),
};

const sourceCheck = (ctx: z.core.ParsePayload<Record<string, unknown>>) =>
  addIssues(ctx, sourceIssues(ctx.value, "content", true));

/** One CA certificate of the host. */
export const CertificateInfo = z.looseObject({
  name: z.string(),
  source: z.enum(["system", "custom"]).meta({
    description: "system: distribution-provided; custom: installed locally",
  }),
  managed: z.boolean().meta({ description: "installed by osapi (its PUT and DELETE apply)" }),
});

const { route, op, remove } = nodeDomain(
  "certificate",
  "certificate/ca",
  "name",
  "Certificate_Management_API_certificate_operations",
);

const mutation = z.looseObject({
  name: z.string(),
  changed: z.boolean(),
  refreshed: z.boolean().meta({ description: "whether the trust store was rebuilt" }),
});

const listOp = op(
  "list",
  "List the CA certificates of the target nodes",
  z.strictObject({}).meta({ description: "No input." }),
  z.looseObject({ certificates: z.array(CertificateInfo) }),
  route("get", false, "GetNodeCertificateCa", "CertificateCACollectionResponse"),
);

/** `node.certificate.list`: the CA certificates of the host (a CLI row each). */
export const certificateList: typeof listOp = {
  ...listOp,
  cli: { ...listOp.cli, expand: "certificates" },
};

/** `node.certificate.create`: installs a CA certificate and refreshes the trust store. */
export const certificateCreate = op(
  "create",
  "Install a CA certificate and refresh the trust store",
  z.strictObject({ name: certificateName, ...pemSource }).meta({
    description: "Installs the PEM (content, or the stored file object) as <name>.crt; " +
      "unchanged when it is installed with this content (other content: use PUT).",
  }).check(sourceCheck),
  mutation,
  route("post", false, "PostNodeCertificateCa", "CertificateCAMutationResponse", {
    request: "CertificateCACreateRequest",
  }),
  ["name"],
);

/** `node.certificate.update`: replaces an installed certificate's content. */
export const certificateUpdate = op(
  "update",
  "Replace a CA certificate osapi installed and refresh the trust store",
  z.strictObject({ name: certificateName, ...pemSource }).meta({
    description: "Replaces the PEM (content, or the stored file object) of a certificate " +
      "osapi installed; fails when there is none.",
  }).check(sourceCheck),
  mutation,
  route("put", true, "PutNodeCertificateCa", "CertificateCAMutationResponse", {
    request: "CertificateCAUpdateRequest",
  }),
  ["name"],
);

/** `node.certificate.delete`: removes a certificate osapi installed. */
export const certificateDelete = remove(
  "Remove a CA certificate osapi installed and refresh the trust store",
  z.strictObject({ name: certificateName }),
  mutation,
  "DeleteNodeCertificateCa",
  "CertificateCAMutationResponse",
);

/** Checked input of `node.certificate.create` and `node.certificate.update`. */
export type CertificateSetInput = z.output<typeof certificateCreate.input>;
