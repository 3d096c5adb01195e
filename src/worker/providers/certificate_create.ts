/** `node.certificate.create`: installs a CA certificate on this host. */
import { certificateCreate as certificateCreateOp } from "../../core/operations/certificate.ts";
import { setCertificate } from "./certificate_config.ts";
import { provide } from "./types.ts";

/** Writes the PEM and rebuilds the trust store (see `setCertificate`). */
export const certificateCreate = provide(
  certificateCreateOp,
  (input, ctx) => setCertificate(input.name, input, "create", ctx),
);

export default certificateCreate;
