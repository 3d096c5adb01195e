/** The nats-server versions osapi works with (read by the config checks and the binary resolver). */

/**
 * The oldest nats-server osapi works with: 2.11 answers batched direct gets, how the API reads
 * its buckets without creating consumers (src/job/store.ts).
 */
export const MIN_NATS_SERVER_VERSION = "2.11.0";

/** Compares dotted versions numerically (pre-release suffixes ignored): <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split("-")[0].split(".").map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}
