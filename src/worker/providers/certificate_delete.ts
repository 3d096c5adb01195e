/** `node.certificate.delete`: removes a CA certificate osapi installed on this host. */
import { certificateDelete as certificateDeleteOp } from "../../core/operations/certificate.ts";
import { deleteCertificate } from "./certificate_config.ts";
import { provide } from "./types.ts";

/** Removes the file and rebuilds the trust store; unchanged when osapi has no such one. */
export const certificateDelete = provide(
  certificateDeleteOp,
  (input, ctx) => deleteCertificate(input.name, ctx),
);

export default certificateDelete;
