import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

/** One member of a test tar archive, for tar-stream's `pack()`: `type` is `file` unless said; a name past ustar's fields or not ASCII is written with a pax header. */
export interface TarMember {
  name: string;
  type?: Header['type'];
  data?: string | Buffer;
  linkname?: string;
}

/** A whole tar archive (not gzipped) of `members`, written by tar-stream. */
export async function tarArchive(members: readonly TarMember[]): Promise<Buffer> {
  const archive = pack();
  for (const { data = '', ...header } of members) archive.entry(header, data);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `archive` with the type flag of its header at `offset` set to `flag`, its checksum made right again: `pack()` writes only the types it knows. */
export function retyped(archive: Buffer, offset: number, flag: string): Buffer {
  const header = archive.subarray(offset, offset + 512);
  header.write(flag, 156, 'latin1');
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return archive;
}

const MIB = 1024 * 1024;
const ZEROS = Buffer.alloc(MIB);
const GZIPPED_ZEROS = gzipSync(ZEROS, { level: 9 });

/**
 * A .tgz of the members `before`, then `name` holding `mebibytes` MiB of zero bytes, made in
 * milliseconds: gzip members may be concatenated (gunzip and tar read them as one stream), so
 * what `pack()` writes is gzipped piece by piece, and each MiB of zeros it passes on as it was
 * given becomes the one gzipped MiB of zeros (about 1 KiB). 100 MiB makes about 105 KB.
 */
export async function zeroBomb(name: string, mebibytes: number, before: readonly TarMember[] = []): Promise<Buffer> {
  const archive = pack();
  for (const { data = '', ...header } of before) archive.entry(header, data);
  const sink = archive.entry({ name, size: mebibytes * MIB });
  for (let i = 1; i < mebibytes; i++) sink.write(ZEROS);
  sink.end(ZEROS);
  archive.finalize();
  const parts: Buffer[] = [];
  const others: Buffer[] = []; // headers and such since the last MiB of zeros, gzipped as one
  const flush = () => void (others.length > 0 && parts.push(gzipSync(Buffer.concat(others.splice(0)))));
  for await (const chunk of archive) {
    if (chunk === ZEROS) {
      flush();
      parts.push(GZIPPED_ZEROS);
    } else {
      others.push(chunk as Buffer);
    }
  }
  flush();
  return Buffer.concat(parts);
}
