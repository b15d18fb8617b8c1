import { createReadStream, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions of message files: `.json` holds one document, `.ndjson`/`.jsonl` one message per line. */
export const MESSAGE_FILE = /\.(json|ndjson|jsonl)$/i;
export const LINE_FILE = /\.(ndjson|jsonl)$/i;
/** A message file gzipped, which a folder's walk does not read (it says so). */
const GZIPPED_MESSAGE_FILE = /\.(json|ndjson|jsonl)\.gz$/i;

/**
 * Message files below `dir`, recursively, in sorted order, but files and folders whose name
 * starts with "." (`._x.json`, `.#x.json`, `.vscode/`, `.git/`), which are not looked at, as
 * generate and diff leave them beside the schemas; `skipped` hears of each such file named like
 * a message file (not of what a dot-folder holds). Follows symbolic links (a linked fixture is
 * validated like any other), visits each real folder once (no link loops), and reports an
 * unreadable folder, a broken link, or a FIFO, socket or device named like a message file
 * through `fail`, and goes on with the others.
 */
export async function* messageFilesUnder(dir: string, fail: (file: string, error: unknown) => void, skipped: (file: string) => void = () => {}, visited = new Set<string>()): AsyncGenerator<string> {
  let entries: Dirent<Buffer>[];
  try {
    // As bytes: two folders whose real names are not UTF-8 would decode alike (a reviewer).
    const real = (await realpath(dir, { encoding: 'buffer' })).toString('latin1');
    if (visited.has(real)) return;
    visited.add(real);
    // Names as bytes: a name that is not UTF-8 decodes to one no call can open (a hostile tester).
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    fail(dir, error);
    return;
  }
  const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8') }));
  for (const { entry, name } of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const target = path.join(dir, name);
    if (!Buffer.from(name, 'utf8').equals(entry.name)) {
      if (MESSAGE_FILE.test(name) || entry.isDirectory() || entry.isSymbolicLink()) fail(target, new Error(NOT_UTF8_NAME));
      continue;
    }
    // A file or folder whose name starts with "." is left alone, as generate and diff leave one
    // beside the schemas: macOS's AppleDouble `._trade.json` (binary) and an Emacs lock
    // `.#trade.json` (a link that leads nowhere) failed a folder of fixtures, and an editor's
    // `.vscode/settings.json` was validated as a message (testers). Named on the command line it is read.
    if (name.startsWith('.')) {
      if (MESSAGE_FILE.test(name) && !entry.isDirectory()) skipped(target);
      continue;
    }
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    let isSocket = entry.isSocket();
    if (entry.isSymbolicLink()) {
      try {
        const info = await stat(target);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
        isSocket = info.isSocket();
      } catch (error) {
        fail(target, error);
        continue;
      }
    }
    if (isDirectory) yield* messageFilesUnder(target, fail, skipped, visited);
    else if (isFile && MESSAGE_FILE.test(name)) yield target;
    // A FIFO, socket or device named like a message file: reading it from a folder walk could
    // wait forever for a writer, so it is not read, and the run says so.
    // A socket cannot be opened as a file at all: no advice to name it (named, it failed with ENXIO: a tester).
    else if (MESSAGE_FILE.test(name)) fail(target, new Error(isSocket ? SOCKET : 'not a regular file (a FIFO or device), so not read in a folder: name it on the command line to read it'));
    // A message file gzipped (`events.ndjson.gz`): not read either, and said, as the FIFO above
    // (a folder of gzipped fixtures gave "N valid" without a word of them: a fresh tester).
    else if (GZIPPED_MESSAGE_FILE.test(name)) fail(target, new Error(`named as a gzipped message file, so not read in a folder: ${gzipWayOut(target)}`));
  }
}

/** What is said of a Unix socket named like a message file, in a folder or on the command line. */
export const SOCKET = 'a socket, which cannot be read as a file';

/** Why a file or folder whose name is not UTF-8 is not read: this tool names files as UTF-8 text, and Node opens them by that text. */
const NOT_UTF8_NAME = 'its name is not UTF-8 (shown here with U+FFFD for the bytes that are not), and cannot be opened by it: rename it to read it';

/**
 * The bytes of a file, a FIFO or a process substitution (`/dev/fd/63`), read front to back as a
 * stream: no positional reads, so pipes work like files.
 */
export function readBytes(file: string): AsyncIterable<Buffer> {
  return createReadStream(file) as AsyncIterable<Buffer>;
}

/**
 * All of a byte stream in one buffer; or, once more than `limit` bytes have come, what was read
 * (`held`) and the stream's unread rest, so that a stream without end (`/dev/zero`, `yes |`)
 * never holds more than about `limit` bytes.
 */
export async function readAllBytes(stream: AsyncIterable<Buffer | string>, limit = Number.POSITIVE_INFINITY): Promise<Buffer | { held: Buffer[]; rest: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return Buffer.concat(chunks, size);
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) return { held: chunks, rest: { [Symbol.asyncIterator]: () => iterator as AsyncIterator<Buffer> } };
  }
}

/** A one-line reason for an I/O error, without a stack or a raw errno string where a plain one exists. */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a folder',
    ENOTDIR: 'not a folder',
    ELOOP: 'too many symbolic links',
  };
  // A name given on the command line that is not UTF-8 reaches Node with U+FFFD in it.
  if (code === 'ENOENT' && String((error as NodeJS.ErrnoException).path ?? '').includes('\uFFFD')) return 'no such file or folder by this name; a name that is not UTF-8 arrives with U+FFFD in place of its bytes and cannot be opened: rename it to read it';
  return (code && known[code]) ?? (error as Error).message;
}

/** What to do with gzip data read from `file` (`<stdin>`: a file named `file.gz`): `decompress it first (zcat "events.ndjson.gz" | realtime-contract validate -)`. */
export function gzipWayOut(file: string): string {
  return `decompress it first (${file === '<stdin>' ? 'zcat file.gz' : `zcat ${JSON.stringify(file)}`} | realtime-contract validate -)`;
}
