import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineEndsNote, shellWord } from '../../src/cli/generate-command.js';
import { findTool } from '../support/toolchain.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const work = mkdtempSync(path.join(tmpdir(), 'realtime-contract-line-ends-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function check(schemas: string, out: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', '--check', '--schemas', schemas, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of schemas/ and generated/ where `files` (relative to the copy) get CRLF line ends. */
function crlfCopy(name: string, files: string[]) {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  cpSync(path.join(ROOT, 'generated'), path.join(dir, 'generated'), { recursive: true });
  for (const file of files) {
    const target = path.join(dir, file);
    writeFileSync(target, readFileSync(target, 'utf8').replace(/\n/g, '\r\n'));
  }
  return { schemas: path.join(dir, 'schemas'), out: path.join(dir, 'generated') };
}

describe('line ends (core.autocrlf=true checkouts)', () => {
  it('generate --check says so when CRLF line ends are the only difference, and names each file', () => {
    const { schemas, out } = crlfCopy('crlf', ['generated/types.ts', 'generated/languages/go/realtimecontract/messages.go']);
    const result = check(schemas, out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 file(s) in');
    expect(result.stderr).toContain('differ only in line ends (CRLF on disk, the generators write LF)');
    expect(result.stderr).toContain(`  ${path.join(out, 'types.ts')}\n`);
    expect(result.stderr).toContain(`  ${path.join(out, 'languages/go/realtimecontract/messages.go')}\n`);
    expect(result.stderr).not.toContain('is stale');
    // Not the checkout's generated/: its .gitattributes does not cover it (it was said to).
    expect(result.stderr).not.toContain('pins LF for generated/');
    expect(result.stderr).toContain('a .gitattributes rule `text eol=lf` for this folder keeps them LF: run');
  });

  it('names the checkout\'s .gitattributes for its own generated/ alone', () => {
    expect(lineEndsNote('generated', ROOT)).toBe('.gitattributes pins LF for generated/');
    expect(lineEndsNote(path.join(ROOT, 'generated/'), ROOT)).toBe('.gitattributes pins LF for generated/');
    expect(lineEndsNote(path.join(work, 'generated'), ROOT)).not.toContain('pins LF for generated/');
  });

  it('schemas with CRLF line ends generate the same bytes', () => {
    const { schemas, out } = crlfCopy('crlf-schemas', ['schemas/trades.json', 'schemas/definitions.json']);
    expect(check(schemas, out)).toMatchObject({ code: 0 });
  });

  it('keeps a real change apart from a line-end-only one', () => {
    const { schemas, out } = crlfCopy('mixed', ['generated/types.ts']);
    const docs = path.join(out, 'docs/messages.md');
    writeFileSync(docs, `${readFileSync(docs, 'utf8')}edited\n`);
    const result = check(schemas, out);
    expect(result.code).toBe(1);
    // The command that rewrites this --out from these --schemas (`npm run generate` alone writes generated/).
    expect(result.stderr).toContain(`is stale; run \`npm run generate -- --schemas ${shellWord(schemas)} --out ${shellWord(out)}\`:\n  ${docs} (changed)\n`);
    expect(result.stderr).toContain(`1 file(s) in ${out}/ differ only in line ends`);
  });

  const git = existsSync(path.join(ROOT, '.git')) ? findTool('git') : { available: false, reason: 'skipped: not a git checkout' };
  it.skipIf(!git.available)(`.gitattributes pins LF for generated/ and schemas/ and leaves fixtures unconverted ${git.reason}`.trimEnd(), () => {
    const files = ['generated/types.ts', 'generated/languages/go/realtimecontract/messages.go', 'schemas/trades.json', 'test/fixtures/valid/spec/trades.json', '.ci/run'];
    const result = spawnSync('git', ['check-attr', 'text', 'eol', '--', ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        'generated/types.ts: text: set', 'generated/types.ts: eol: lf',
        'generated/languages/go/realtimecontract/messages.go: text: set', 'generated/languages/go/realtimecontract/messages.go: eol: lf',
        'schemas/trades.json: text: set', 'schemas/trades.json: eol: lf',
        'test/fixtures/valid/spec/trades.json: text: unset', 'test/fixtures/valid/spec/trades.json: eol: unspecified',
        '.ci/run: text: set', '.ci/run: eol: lf',
        '',
      ].join('\n'),
    );
  });
});
