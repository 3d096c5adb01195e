/** `node.certificate.update`: replaces a CA certificate osapi installed on this host. */
import { certificateUpdate as certificateUpdateOp } from "../../core/operations/certificate.ts";
import { setCertificate } from "./certificate_config.ts";
import { provide } from "./types.ts";

/** Writes the PEM and rebuilds the trust store (see `setCertificate`). */
export const certificateUpdate = provide(
  certificateUpdateOp,
  (input, ctx) => setCertificate(input.name, input, "update", ctx),
);

export default certificateUpdate;
