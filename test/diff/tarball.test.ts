import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable, quoted } from '../../src/runtime/printable.js';
import { readPackTarball, TARBALL_MAX_BYTES, TarballError } from '../../src/diff/tarball.js';
import { retyped, tarArchive, type TarMember } from './tar-support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCHEMAS = path.join(ROOT, 'schemas');

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'diff-tarball-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let count = 0;
/** Writes `archive` (or `members`, as tar-stream packs them) as a .tgz and returns its path. */
async function tgz(archive: readonly TarMember[] | Buffer): Promise<string> {
  const file = path.join(work, `t${count++}.tgz`);
  writeFileSync(file, gzipSync(Buffer.isBuffer(archive) ? archive : await tarArchive(archive)));
  return file;
}

/** The message `readPackTarball(file)` is refused with. */
async function refusal(file: string, maxBytes?: number): Promise<string> {
  const error = await readPackTarball(file, maxBytes).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TarballError);
  return (error as Error).message;
}

const schemaNames = () => readdirSync(SCHEMAS).filter((name) => name.endsWith('.json')).sort();
const PROTOCOL = '{ "title": "protocol" }';

describe('readPackTarball', () => {
  it.each(['gnu', 'posix', 'ustar'])('reads package/schemas of a tarball the system tar writes in %s format, long names included', async (format) => {
    const staged = path.join(work, `staged-${format}`);
    cpSync(SCHEMAS, path.join(staged, 'package/schemas'), { recursive: true });
    writeFileSync(path.join(staged, 'package/package.json'), '{ "name": "realtime-contract" }');
    // Past ustar's 100-byte name (GNU: a long-name member; posix: a pax path; ustar: the prefix field).
    const long = `${'n'.repeat(90)}.json`;
    writeFileSync(path.join(staged, 'package/schemas', long), '{}');
    mkdirSync(path.join(staged, 'package/dist'));
    symlinkSync('/etc/passwd', path.join(staged, 'package/dist/elsewhere.js'));
    const file = path.join(work, `${format}.tgz`);
    execFileSync('tar', [`--format=${format}`, '-czf', file, '-C', staged, 'package']);
    const { schemas, packageJson } = await readPackTarball(file);
    expect([...schemas.keys()]).toEqual([...schemaNames(), long].sort());
    for (const name of schemaNames()) expect(schemas.get(name)).toBe(readFileSync(path.join(SCHEMAS, name), 'utf8'));
    expect(packageJson).toBe('{ "name": "realtime-contract" }');
  });

  it('reads names with ./ or / in front, as tar extracts them, and a pax path; skips what is outside package/schemas unread', async () => {
    const file = await tgz([
      { name: './package/schemas/protocol.json', data: PROTOCOL },
      { name: '/package/schemas/a.json', data: '{}' },
      // Too long for ustar's fields: pack() gives it a pax path, the ustar name being "PaxHeader".
      { name: `package/schemas/${'p'.repeat(120)}.json`, data: '{ "pax": true }' },
      { name: 'package/schemas/notes.txt', data: 'not json' },
      { name: 'package/schemas/sub/b.json', data: '{}' },
      { name: 'package/dist/link.js', type: 'symlink', linkname: '/etc/passwd' },
      // Not UTF-8, but not read: only the schemas and package.json are.
      { name: 'package/schemas/logo.png', data: Buffer.from([0xff, 0xd8]) },
    ]);
    const { schemas, packageJson } = await readPackTarball(file);
    expect(Object.fromEntries(schemas)).toEqual({ 'a.json': '{}', 'protocol.json': PROTOCOL, [`${'p'.repeat(120)}.json`]: '{ "pax": true }' });
    expect(packageJson).toBeUndefined();
  });

  it.each([
    ['a symbolic link', { name: 'package/schemas/protocol.json', type: 'symlink', linkname: '/etc/passwd' }, '"package/schemas/protocol.json" in the tarball is a symbolic link, not a regular file or folder: nothing was read'],
    ['a hard link', { name: 'package/package.json', type: 'link', linkname: 'package/schemas/protocol.json' }, '"package/package.json" in the tarball is a hard link, not a regular file or folder: nothing was read'],
    ['a block device', { name: 'package/schemas/', type: 'block-device' }, '"package/schemas/" in the tarball is a block device, not a regular file or folder: nothing was read'],
    ['a FIFO', { name: 'package/schemas/pipe.json', type: 'fifo' }, '"package/schemas/pipe.json" in the tarball is a FIFO, not a regular file or folder: nothing was read'],
    ['a .. part', { name: 'package/schemas/../../../home/x.json', data: '{}' }, '"package/schemas/../../../home/x.json" in the tarball is not a plain path (it has an empty, "." or ".." part): nothing was read'],
    ['a .. part outside package/schemas', { name: 'package/../../etc/x', type: 'symlink', linkname: '/etc/passwd' }, '"package/../../etc/x" in the tarball is not a plain path (it has an empty, "." or ".." part): nothing was read'],
    ['a schema that is not UTF-8', { name: 'package/schemas/trades.json', data: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]) }, '"package/schemas/trades.json" in the tarball is not UTF-8: the byte 0xE9 at byte offset 2 (line 1) is not part of a UTF-8 sequence; save the file as UTF-8 (JSON exchanged between systems is UTF-8, RFC 8259 §8.1): nothing was read'],
    ['an empty part', { name: 'package//schemas/x.json', data: '{}' }, '"package//schemas/x.json" in the tarball is not a plain path (it has an empty, "." or ".." part): nothing was read'],
    ['a control character', { name: 'package/schemas/\u001b[2Jx.json', data: '{}' }, '"package/schemas/\\u001b[2Jx.json" in the tarball has a control character in its name: nothing was read'],
    ['a C1 control', { name: 'package/schemas/\u009b2Jx.json', data: '{}' }, '"package/schemas/\\u009b2Jx.json" in the tarball has a control character in its name: nothing was read'],
    ['a second copy', { name: './package/schemas/protocol.json', data: '{}' }, '"./package/schemas/protocol.json" appears more than once in the tarball: nothing was read'],
  ] as [string, TarMember, string][])('refuses a member in package/schemas that is %s', async (_, member, message) => {
    expect(await refusal(await tgz([{ name: 'package/schemas/protocol.json', data: PROTOCOL }, member]))).toBe(message);
  });

  it.each(['\u001b', 'D', 'S', 'V'])('refuses a member in package/schemas of a type tar-stream has no name for (%j; GNU dump folder, sparse file, volume label)', async (flag) => {
    // pack() writes only the types it knows: the flag is set by hand, in the header after the first member's one data block.
    const archive = await tarArchive([{ name: 'package/schemas/protocol.json', data: PROTOCOL }, { name: 'package/schemas/x.json', data: '{}' }]);
    expect(await refusal(await tgz(retyped(archive, 1024, flag)))).toBe('"package/schemas/x.json" in the tarball is a member of an unknown type, not a regular file or folder: nothing was read');
  });

  it('refuses a folder with data anywhere: tar skips it, tar-stream would read a member hidden in it', async () => {
    const hidden = await tarArchive([{ name: 'package/schemas/hidden.json', data: '{}' }]);
    const archive = await tarArchive([{ name: 'package/schemas/protocol.json', data: PROTOCOL }, { name: 'package/dist/folder', data: hidden.subarray(0, 1024).toString('latin1') }]);
    expect(await refusal(await tgz(retyped(archive, 1024, '5')))).toBe('"package/dist/folder" in the tarball is a folder with data: nothing was read');
  });

  it('refuses, once past maxBytes, saying the limit and the file size; the default limit is 64 MiB', async () => {
    expect(TARBALL_MAX_BYTES).toBe(64 * 1024 * 1024);
    const file = await tgz([{ name: 'package/schemas/protocol.json', data: ' '.repeat(100_000) }]);
    expect(await refusal(file, 50_000)).toMatch(
      /^expected at most 48\.8 KiB once gunzipped \(an npm pack of realtime-contract is a few MiB\), found more: the \d+ bytes file had inflated past 48\.8 KiB when reading stopped; nothing was read$/,
    );
    expect((await readPackTarball(file, 101 * 1024)).schemas.get('protocol.json')).toHaveLength(100_000);
  });

  it('says what is wrong with a file that is not a gzipped tar archive, or a truncated one', async () => {
    const plain = path.join(work, 'plain.tgz');
    writeFileSync(plain, await tarArchive([{ name: 'package/schemas/protocol.json', data: PROTOCOL }]));
    expect(await refusal(plain)).toBe('not a gzipped tarball (gunzip: incorrect header check)');
    const text = path.join(work, 'text.tgz');
    writeFileSync(text, gzipSync('hello\n'.repeat(200)));
    expect(await refusal(text)).toBe('not a tar archive once gunzipped (a header with a bad checksum)');
    const archive = await tarArchive([{ name: 'package/schemas/protocol.json', data: 'x'.repeat(2000) }]);
    const cutShort = path.join(work, 'truncated.tgz');
    writeFileSync(cutShort, gzipSync(archive.subarray(0, 1024)));
    expect(await refusal(cutShort)).toBe('the tar archive is truncated (it ends inside a member once gunzipped)');
    const cutGzip = path.join(work, 'truncated-gzip.tgz');
    writeFileSync(cutGzip, gzipSync(archive).subarray(0, 40));
    expect(await refusal(cutGzip)).toBe('not a gzipped tarball (gunzip: unexpected end of file)');
    expect(await refusal(path.join(work, 'missing.tgz'))).toMatch(/^cannot read the file \(ENOENT: no such file or directory/);
  });
});

describe('printable and quoted', () => {
  it('escape what could forge terminal output, and nothing else; quoted cuts and stays valid JSON', () => {
    expect(printable('a\u001b[2Jb\nc\u007f\u009b\u202e\u2028 ✓ é')).toBe('a\\u001b[2Jb\\u000ac\\u007f\\u009b\\u202e\\u2028 ✓ é');
    expect(quoted('x\u001b\u009b\u202ey')).toBe('"x\\u001b\\u009b\\u202ey"');
    expect(JSON.parse(quoted('x\u001b\u009b\u202ey'))).toBe('x\u001b\u009b\u202ey');
    expect(quoted('a'.repeat(150))).toBe(`"${'a'.repeat(97)}..."`);
    expect(quoted('a'.repeat(98) + '😀😀', 100)).toBe(`"${'a'.repeat(97)}..."`);
  });
});
