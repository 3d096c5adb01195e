/**
 * A minimal reader for `.tar.gz` archives (ustar, GNU long names, pax path/size records), enough
 * to unpack a nats-server release archive. Decompression uses the platform DecompressionStream.
 */
import { OsapiError } from "../core/errors.ts";

/** One archive member. `data` is empty for anything but regular files. */
export interface TarEntry {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  type: "file" | "directory" | "symlink" | "other";
  /** Permission bits from the header. */
  mode: number;
  size: number;
  data: Uint8Array;
  /** Target of a symlink or hard link, else "". */
  linkName: string;
}

/** The archive is not valid gzip or tar. */
export class TarError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("server.archive", message, options);
  }
}

const BLOCK = 512;
const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, start: number, length: number, what: string): number {
  // GNU base-256 encoding for large numbers: high bit of the first byte set.
  if (block[start] & 0x80) {
    let n = block[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + block[i];
    return n;
  }
  const s = text(block, start, length).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new TarError(`invalid tar header: ${what} field ${JSON.stringify(s)}`);
  }
  return parseInt(s, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const expected = octal(block, 148, 8, "checksum");
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === expected;
}

function isZeroBlock(block: Uint8Array): boolean {
  return block.every((b) => b === 0);
}

function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const s = decoder.decode(data);
  let i = 0;
  while (i < s.length) {
    const space = s.indexOf(" ", i);
    if (space === -1) break;
    const len = parseInt(s.slice(i, space), 10);
    if (!(len > 0)) throw new TarError("invalid pax header record");
    // Lengths count bytes; pax records are ASCII in practice, so characters match bytes.
    const record = s.slice(space + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (eq !== -1) records.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return records;
}

function cleanName(name: string): string {
  return name.replace(/^(\.\/)+/, "");
}

/** Parses an uncompressed tar archive held in memory. */
export function parseTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) break;
    if (!checksumOk(header)) throw new TarError(`invalid tar header checksum at byte ${offset}`);
    const paxSize = pax.get("size");
    const size = paxSize !== undefined ? Number(paxSize) : octal(header, 124, 12, "size");
    const start = offset + BLOCK;
    if (start + size > bytes.length) throw new TarError("truncated tar archive");
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(header[156] || 0x30);
    if (flag === "L") {
      longName = text(data, 0, data.length);
      continue;
    }
    if (flag === "K") {
      longLink = text(data, 0, data.length);
      continue;
    }
    if (flag === "x") {
      pax = paxRecords(data);
      continue;
    }
    if (flag === "g") continue;
    const prefix = text(header, 257, 6).startsWith("ustar") ? text(header, 345, 155) : "";
    const headerName = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const name = cleanName(pax.get("path") ?? longName ?? headerName);
    const linkName = pax.get("linkpath") ?? longLink ?? text(header, 157, 100);
    const type = flag === "0" || flag === "7"
      ? "file"
      : flag === "5"
      ? "directory"
      : flag === "2"
      ? "symlink"
      : "other";
    entries.push({
      name: type === "directory" ? name.replace(/\/+$/, "") : name,
      type,
      mode: octal(header, 100, 8, "mode") & 0o7777,
      size,
      data: type === "file" ? data : new Uint8Array(),
      linkName,
    });
    longName = longLink = undefined;
    pax = new Map();
  }
  return entries;
}

/** Decompresses a gzip stream into memory. */
export async function gunzip(source: ReadableStream<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  const stream = source instanceof Uint8Array ? ReadableStream.from([source]) : source;
  const inflate = new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>;
  try {
    const out = await new Response(stream.pipeThrough(inflate)).arrayBuffer();
    return new Uint8Array(out);
  } catch (e) {
    throw new TarError(`not a valid gzip archive: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads every entry of a `.tar.gz` archive (bytes or a byte stream). */
export async function readTarGz(
  source: ReadableStream<Uint8Array> | Uint8Array,
): Promise<TarEntry[]> {
  return parseTar(await gunzip(source));
}
