/** `node.certificate.list`: the CA certificates of this host. */
import { certificateList as certificateListOp } from "../../core/operations/certificate.ts";
import { listCertificates } from "./certificate_config.ts";
import { provide } from "./types.ts";

/** Lists the distribution-provided and local CA certificates (osapi's marked managed). */
export const certificateList = provide(certificateListOp, async (_input, ctx) => ({
  certificates: await listCertificates(ctx.root),
}));

export default certificateList;
