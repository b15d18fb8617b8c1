import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { byteSize as bytes } from '../runtime/errors.js';
import { quoted } from '../runtime/printable.js';
import { utf8Text } from '../shared/utf8.js';

/**
 * The most bytes `diff` reads from a tarball once gunzipped: 64 MiB (an `npm pack` of this
 * package is about 2.5 MiB). The whole archive counts, headers and members `diff` does not
 * read included, since each must be inflated to get past it. Reading stops as soon as it
 * passes this, so a small .tgz that inflates to gigabytes (a gzip bomb) is refused in under
 * a second, having cost at most this much memory and nothing on disk.
 */
export const TARBALL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Why a tarball cannot be read. The message names no file (the caller says which side), and
 * any name taken from the tarball is shown {@link quoted}: escaped, on one line, cut at 100
 * characters.
 */
export class TarballError extends Error {}

/** What `diff` reads from an `npm pack` tarball. */
export interface PackContents {
  /** The text (UTF-8) of each regular file `package/schemas/<name>.json`, by `<name>.json`, sorted by name. */
  schemas: Map<string, string>;
  /** The text of `package/package.json`, or undefined when the tarball has none. */
  packageJson: string | undefined;
}

/**
 * Reads the `package/schemas/*.json` and `package/package.json` of an `npm pack` tarball
 * (gzipped tar: ustar, pax and GNU long names; what `npm pack` and GNU or BSD tar write) as a
 * stream: node's zlib gunzips it and `tar-stream` reads the tar (this replaced `tar -xzf` into
 * a temporary folder, which wrote a gzip bomb out whole before failing). At most `maxBytes`
 * of it is inflated ({@link TARBALL_MAX_BYTES}), only the members returned are kept in
 * memory, and nothing is extracted to disk, so no member name or link can point a write
 * anywhere.
 *
 * A tarball may come from anyone. Every member at `package/schemas` (the folder itself, and
 * anything under it) or at `package/package.json` must be a regular file or a folder with a
 * plain name (no empty, `.` or `..` part, no control character) that appears once: a
 * symbolic or hard link, a device, a FIFO or any other kind is refused, and nothing is read
 * through it. Leading `/` and `./` are dropped from names, as tar does on extraction. Other
 * members (`package/dist/…`) are skipped unread; regular files of other names under
 * `package/schemas` (not `.json`, or in a subfolder) are checked but not returned. A folder
 * with data, anywhere, is refused: tar skips such data, tar-stream would read it as members.
 *
 * @param file the tarball's path
 * @param maxBytes the most bytes read once gunzipped (tests pass a smaller one)
 * @throws TarballError when the file cannot be read, is not gzip or not tar, is truncated,
 *   inflates past `maxBytes`, or holds anything but regular files and folders at those paths
 *   (or a folder with data anywhere)
 */
export async function readPackTarball(file: string, maxBytes = TARBALL_MAX_BYTES): Promise<PackContents> {
  const input = createReadStream(file);
  const extract = tarExtract();
  let inflated = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      done(inflated > maxBytes ? new RangeError('too large') : null, chunk);
    },
  });
  // A fault of the file, gunzip or the cap stops tar-stream with its message; the loop below throws it.
  // Chunks of 64 KiB (not 16): a quarter of the per-chunk stream work, a bomb refused in half the time.
  pipeline(input, createGunzip({ chunkSize: 64 * 1024 }), counter).catch(async (error: unknown) => extract.destroy(await readFault(error, file, maxBytes)));
  counter.pipe(extract);
  const schemas = new Map<string, string>();
  let packageJson: string | undefined;
  const seen = new Set<string>();
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header as { name: string; type: string | null; size: number };
      const directory = type === 'directory';
      if (directory && size > 0) throw new TarballError(`${quoted(name)} in the tarball is a folder with data: nothing was read`);
      // npm installs a member under its first folder whatever that is called (it strips one part):
      // one outside package/ would be installed where diff did not look.
      // A member with no folder (`README`) is dropped by npm: nothing installed, nothing to refuse.
      // A `..` anywhere climbs out of its folder: refused wherever it leads, as in package/schemas (it was skipped elsewhere: a hostile tester).
      if (name.split('/').includes('..')) throw new TarballError(`${quoted(name)} in the tarball is not a plain path (it has an empty, "." or ".." part): nothing was read`);
      const parts = name.split('/').filter((part) => part !== '' && part !== '.');
      if (parts.length >= 2 && parts[0] !== 'package') {
        throw new TarballError(`${quoted(name)} in the tarball is outside package/, where npm pack puts everything; npm would install it (it drops the first folder, whatever its name), so diff would judge another contract than npm installs: nothing was read`);
      }
      const place = placeOf(name);
      if (place === undefined) {
        entry.resume();
        continue;
      }
      const shown = quoted(name);
      if (!directory && type !== 'file' && type !== 'contiguous-file') {
        throw new TarballError(`${shown} in the tarball is ${KINDS[type ?? ''] ?? 'a member of an unknown type'}, not a regular file or folder: nothing was read`);
      }
      if (!place.plain) throw new TarballError(`${shown} in the tarball is not a plain path (it has an empty, "." or ".." part): nothing was read`);
      if (CONTROL.test(name)) throw new TarballError(`${shown} in the tarball has a control character in its name: nothing was read`);
      if (directory) {
        entry.resume();
        continue;
      }
      if (seen.has(place.path)) throw new TarballError(`${shown} appears more than once in the tarball: nothing was read`);
      seen.add(place.path);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const schema = place.path === 'package/package.json' ? undefined : place.path.slice('package/schemas/'.length);
      if (schema !== undefined && (schema.includes('/') || !schema.endsWith('.json') || schema.startsWith('.'))) continue;
      const read = utf8Text(Buffer.concat(chunks));
      if ('problem' in read) throw new TarballError(`${shown} in the tarball is ${read.problem}: nothing was read`);
      if (schema === undefined) packageJson = read.text;
      else schemas.set(schema, read.text);
    }
  } catch (error) {
    throw error instanceof TarballError ? error : tarFault(error as Error);
  } finally {
    input.destroy();
  }
  return { schemas: new Map([...schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), packageJson };
}

/** What tar-stream's types other than files and folders are, for the message that refuses one (it gives no name to the rest). */
const KINDS: Record<string, string> = {
  link: 'a hard link',
  symlink: 'a symbolic link',
  'character-device': 'a character device',
  'block-device': 'a block device',
  fifo: 'a FIFO',
};

/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Where a member name points, when it is in `package/schemas` or is `package/package.json`,
 * else undefined: `path` without leading `/` and `./` nor a trailing `/`, and whether it is
 * `plain` (no empty, `.` or `..` part left). A name whose parts, those left out, lead there
 * (`package/schemas/../../x`, `package//schemas/x`) counts as there, not plain.
 */
function placeOf(name: string): { path: string; plain: boolean } | undefined {
  const stripped = name.replace(/^(?:\.?\/+)+/, '').replace(/\/+$/, '');
  const parts = stripped.split('/');
  const named = parts.filter((part) => part !== '' && part !== '.' && part !== '..');
  const ours = named[0] === 'package' && (named[1] === 'schemas' || (named[1] === 'package.json' && named.length === 2));
  if (!ours) return undefined;
  return { path: stripped, plain: named.length === parts.length };
}

/** Why reading or gunzipping `file` failed, or (the counter's RangeError) why it was stopped. */
async function readFault(error: unknown, file: string, maxBytes: number): Promise<TarballError> {
  if (error instanceof RangeError) {
    const size = await stat(file).then((info) => info.size, () => undefined);
    return new TarballError(
      `expected at most ${bytes(maxBytes)} once gunzipped (an npm pack of realtime-contract is a few MiB), found more: ` +
        `the ${size === undefined ? '' : `${bytes(size)} `}file had inflated past ${bytes(maxBytes)} when reading stopped; nothing was read`,
    );
  }
  const { code, message } = error as NodeJS.ErrnoException;
  if (code?.startsWith('Z_')) return new TarballError(`not a gzipped tarball (gunzip: ${message})`);
  return new TarballError(`cannot read the file (${message})`);
}

/** A tar-stream error, said for this archive: its "Maybe … it needs to be gunzipped?" for a bad checksum does not apply, it was. */
function tarFault({ message }: Error): TarballError {
  if (message === 'Unexpected end of data') return new TarballError('the tar archive is truncated (it ends inside a member once gunzipped)');
  const why = message.startsWith('Invalid tar header. Maybe') ? 'a header with a bad checksum' : `tar-stream: ${message}`;
  return new TarballError(`not a tar archive once gunzipped (${why})`);
}
