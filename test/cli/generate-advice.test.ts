import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCommandLine, missingSchemasMessage, shellWord } from '../../src/cli/generate-command.js';

/**
 * `generate --check` names the command that writes what it checked: `npm run generate` alone
 * writes generated/ from schemas/, so a --check of another --out was sent to a command that
 * left the folder stale (a fixer's finding).
 */

const CLI = path.resolve('src/cli/main.ts');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function runGenerate(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', ...args], { encoding: 'utf8', timeout: 150_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('generate --check: the way out it advises', () => {
  it('is `npm run generate` for the checkout\'s own folders, given as the defaults or by name', () => {
    const root = path.resolve('.');
    expect(generateCommandLine({ schemas: 'schemas', out: 'generated' }, root)).toBe('npm run generate');
    expect(generateCommandLine({ schemas: path.join(root, 'schemas'), out: path.join(root, 'generated/') }, root)).toBe('npm run generate');
  });

  it('names a default folder only where it is not the checkout\'s own: read from another current directory, npm would write another one (a tester)', () => {
    const root = path.resolve('.');
    expect(generateCommandLine({ schemas: 'schemas', out: 'generated', schemasNamed: false, outNamed: false }, root)).toBe('npm run generate');
    expect(generateCommandLine({ schemas: 'schemas', out: 'build/gen', schemasNamed: false, outNamed: true }, root)).toBe('npm run generate -- --out build/gen');
    expect(generateCommandLine({ schemas: 'schemas', out: 'generated', schemasNamed: false, outNamed: false }, '/elsewhere')).toBe(`npm run generate -- --schemas ${shellWord(path.join(root, 'schemas'))} --out ${shellWord(path.join(root, 'generated'))}`);
  });

  it('names --schemas and --out where they are other folders: relative to the checkout, where npm runs the script, or whole outside it; quoted for the shell', () => {
    const root = path.resolve('.');
    expect(generateCommandLine({ schemas: 'schemas', out: 'build/gen' }, root)).toBe('npm run generate -- --out build/gen');
    expect(generateCommandLine({ schemas: '/tmp/my schemas', out: "/tmp/it's out" }, root)).toBe(`npm run generate -- --schemas '/tmp/my schemas' --out '/tmp/it'\\''s out'`);
    // Quoted as the product quotes it (a checkout whose path holds a space gets quotes).
    expect(generateCommandLine({ schemas: 'schemas', out: root }, root)).toBe(`npm run generate -- --out ${shellWord(root)}`);
    expect(shellWord('/home/a b/it')).toBe(`'/home/a b/it'`);
  });

  it('after a --check of another --out and --schemas, is the command that makes that --check pass', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-advice-'));
    folders.push(dir);
    const schemas = path.join(dir, 'my schemas');
    const out = path.join(dir, 'out');
    cpSync('schemas', schemas, { recursive: true });
    cpSync('generated', out, { recursive: true });
    const file = path.join(schemas, 'trades.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { description: string };
    writeFileSync(file, JSON.stringify({ ...schema, description: `${schema.description} Edited.` }, null, 2));
    const check = runGenerate(['--check', '--schemas', schemas, '--out', out]);
    expect(check.code).toBe(1);
    const advised = `npm run generate -- --schemas ${shellWord(schemas)} --out ${shellWord(out)}`;
    expect(advised).toContain(`'${schemas}'`);
    expect(check.stderr.split('\n')[0]).toBe(`realtime-contract: ${out}/ is stale; run \`${advised}\`:`);
    expect(check.stderr).not.toContain('run `npm run generate`');
    // The advice, run as a shell runs it, fixes it.
    const run = spawnSync('sh', ['-c', advised], { encoding: 'utf8', timeout: 150_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(runGenerate(['--check', '--schemas', schemas, '--out', out]).code).toBe(0);
  });
});

describe('generate --check with the default --out, away from the checkout\'s root (a tester: "stale", and a command that wrote another folder)', () => {
  it('says where it looked for a default --out that is no folder there, and the way back (exit 2)', { timeout: 150_000 }, () => {
    const root = path.resolve('.');
    const sub = path.join(root, 'test');
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', '--check', '--schemas', '../schemas'], { encoding: 'utf8', timeout: 150_000, cwd: sub });
    expect(result.stderr).toBe(`realtime-contract: --out generated (the default): no such folder to compare: looked for ${path.join(sub, 'generated')}, as a relative --out is read from the current directory; run generate from the checkout's root (cd ..), or name it: --out ../generated\n`);
    expect(result.status).toBe(2);
    // The way back works.
    const back = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', '--check', '--schemas', '../schemas', '--out', '../generated'], { encoding: 'utf8', timeout: 150_000, cwd: sub });
    expect(back.status, back.stderr).toBe(0);
  });

  it('where the default --out is a folder there, advises the command that rewrites that folder, which makes the check pass', { timeout: 300_000 }, () => {
    const root = path.resolve('.');
    const work = mkdtempSync(path.join(tmpdir(), 'generate-default-out-'));
    folders.push(work);
    const out = path.join(work, 'generated');
    cpSync('generated', out, { recursive: true });
    writeFileSync(path.join(out, 'types.ts'), `${readFileSync(path.join(out, 'types.ts'), 'utf8')}// edited\n`);
    const check = () => spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, 'generate', '--check', '--schemas', path.join(root, 'schemas')], { encoding: 'utf8', timeout: 150_000, cwd: work });
    const stale = check();
    expect(stale.status).toBe(1);
    const advised = `npm run generate -- --out ${shellWord(out)}`;
    expect(stale.stderr.split('\n')[0]).toBe(`realtime-contract: generated/ is stale; run \`${advised}\`:`);
    const run = spawnSync('sh', ['-c', advised], { encoding: 'utf8', timeout: 150_000 });
    expect(run.status, run.stderr).toBe(0);
    const fresh = check();
    expect(fresh.status, fresh.stderr).toBe(0);
  });
});

describe('generate: the --out named, in its header lines', () => {
  it('is escaped as the file list is: an escape in it is not acted on by the terminal (a hostile tester)', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-escape-'));
    folders.push(dir);
    const out = path.join(dir, 'x\x1b[31mred');
    const shown = path.join(dir, 'x\\u001b[31mred');
    cpSync('generated', out, { recursive: true });
    const fresh = runGenerate(['--check', '--out', out]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toBe(`${shown}/ is up to date (${fresh.stdout.match(/\((\d+) files\)/)?.[1]} files)\n`);
    // One file changed, one with CRLF line ends: both header lines.
    writeFileSync(path.join(out, 'types.ts'), `${readFileSync(path.join(out, 'types.ts'), 'utf8')}// edited\n`);
    writeFileSync(path.join(out, 'asyncapi.json'), readFileSync(path.join(out, 'asyncapi.json'), 'utf8').replace(/\n/g, '\r\n'));
    const check = runGenerate(['--check', '--out', out]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`realtime-contract: ${shown}/ is stale;`);
    expect(check.stderr).toContain(`file(s) in ${shown}/ differ only in line ends`);
    expect(check.stderr + check.stdout).not.toContain('\x1b');
    const write = runGenerate(['--out', out]);
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toContain(`files to ${shown}/ (`);
    expect(write.stderr + write.stdout).not.toContain('\x1b');
  });
});

describe('generate --check: what generate did not write', () => {
  it('names a stray file exactly once, in the list to remove, with and without other stale files (it was listed twice: stale and to remove)', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generate-stray-'));
    folders.push(dir);
    const out = path.join(dir, 'out');
    cpSync('generated', out, { recursive: true });
    writeFileSync(path.join(out, '.DS_Store'), '');
    writeFileSync(path.join(out, 'docs', 'notes.md'), 'mine\n');
    const count = (text: string, name: string) => text.split('\n').filter((line) => line === `  ${path.join(out, name)}` || line.startsWith(`  ${path.join(out, name)} (`)).length;
    // Only the stray files: removing them is all it takes, no generate run.
    const alone = runGenerate(['--check', '--out', out]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe(`realtime-contract: ${out}/ is stale; it holds what generate did not write and will not delete: remove them:\n  ${path.join(out, '.DS_Store')}\n  ${path.join(out, 'docs', 'notes.md')}\n`);
    // With a generated file changed too: that one is stale, the strays still named once.
    writeFileSync(path.join(out, 'types.ts'), `${readFileSync(path.join(out, 'types.ts'), 'utf8')}// edited\n`);
    const both = runGenerate(['--check', '--out', out]);
    expect(both.code).toBe(1);
    expect(count(both.stderr, '.DS_Store')).toBe(1);
    expect(count(both.stderr, 'docs/notes.md')).toBe(1);
    expect(both.stderr).toBe([
      `realtime-contract: ${out}/ is stale; remove what generate did not write (below), then run \`npm run generate -- --out ${out}\`:`,
      `  ${path.join(out, 'types.ts')} (changed)`,
      'realtime-contract: generate did not write and will not delete these; remove them first:',
      `  ${path.join(out, '.DS_Store')}`,
      `  ${path.join(out, 'docs', 'notes.md')}`,
      '',
    ].join('\n'));
  });
});

describe('generate: a --schemas that is no folder', () => {
  it('run from a subfolder of the checkout, says where it looked, that it is read from the current directory, and the way to the root (it said only `--schemas schemas: no such folder`)', { timeout: 150_000 }, () => {
    const root = path.resolve('.');
    const sub = path.join(root, 'test', 'cli');
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'generate', '--check'], { encoding: 'utf8', timeout: 150_000, cwd: sub });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`realtime-contract: --schemas schemas (the default): no such folder (the folder of the JSON Schemas, one file per message type): looked for ${path.join(sub, 'schemas')}, as a relative --schemas is read from the current directory; run generate from the checkout's root (cd ../..), or name both folders: --schemas ../../schemas --out ../../generated\n`);
  });

  it('names the --schemas given, the folder it looked for, and the way out only where it is the checkout\'s own', () => {
    const root = path.resolve('/nonexistent-checkout'); // holds no schemas/: no way out to name
    const at = (cwd: string, schemas: string, named = true, outNamed = false) => missingSchemasMessage({ schemas, schemasNamed: named, outNamed }, root, cwd);
    // Absolute: as given, which is where it looked.
    expect(at(root, '/nowhere/schemas')).toBe('--schemas /nowhere/schemas: no such folder (the folder of the JSON Schemas, one file per message type)');
    // schemas/ named with --out named too: only --schemas to add.
    expect(at(path.join(root, 'docs'), 'schemas/', true, true)).toBe(`--schemas schemas/: no such folder (the folder of the JSON Schemas, one file per message type): looked for ${path.join(root, 'docs', 'schemas')}, as a relative --schemas is read from the current directory`);
    // Another folder by name: where it looked, no guess at the checkout's.
    expect(at(path.join(root, 'docs'), 'my-schemas')).toBe(`--schemas my-schemas: no such folder (the folder of the JSON Schemas, one file per message type): looked for ${path.join(root, 'docs', 'my-schemas')}, as a relative --schemas is read from the current directory`);
    // The real checkout: outside it, where its own are.
    const real = path.resolve('.');
    // A Windows path: told so, with its WSL form, as diff tells it (it was "looked for /…/C:\\Users\\…": a tester).
    expect(missingSchemasMessage({ schemas: 'C:\\Users\\me\\schemas', schemasNamed: true, outNamed: false }, real, tmpdir())).toBe('--schemas C:\\Users\\me\\schemas: no such folder (the folder of the JSON Schemas, one file per message type); it looks like a Windows path: name the folder as this system sees it (on WSL, /mnt/c/Users/me/schemas)');
    expect(missingSchemasMessage({ schemas: 'schemas', schemasNamed: false, outNamed: false }, real, tmpdir())).toBe(`--schemas schemas (the default): no such folder (the folder of the JSON Schemas, one file per message type): looked for ${path.join(tmpdir(), 'schemas')}, as a relative --schemas is read from the current directory; the checkout's own are at ${path.join(real, 'schemas')}`);
    expect(missingSchemasMessage({ schemas: 'schemas/', schemasNamed: true, outNamed: true }, real, path.join(real, 'src'))).toBe(`--schemas schemas/: no such folder (the folder of the JSON Schemas, one file per message type): looked for ${path.join(real, 'src', 'schemas')}, as a relative --schemas is read from the current directory; run generate from the checkout's root (cd ..), or name --schemas ../schemas`);
  });
});

describe('generate and diff from a current folder that no longer exists (one generate replaced whole)', () => {
  it('say so, exit 2, with no npm ci advice and no stack trace (a tester)', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'gone-cwd-'));
    folders.push(work);
    const script = path.join(work, 'gone.mts');
    // The folder is removed once this process stands in it, as a shell stands in generated/docs when generate replaces generated/.
    writeFileSync(script, [
      `import { mkdirSync, rmdirSync } from 'node:fs';`,
      `const dir = ${JSON.stringify(path.join(work, 'docs'))};`,
      `mkdirSync(dir);`,
      `process.chdir(dir);`,
      `rmdirSync(dir);`,
      `process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ...process.argv.slice(2)];`,
      `await import(${JSON.stringify(CLI)});`,
    ].join('\n'));
    const tsx = fileURLToPath(import.meta.resolve('tsx'));
    const gone = 'realtime-contract: the current folder no longer exists (removed, or replaced whole by generate, as it replaces --out): cd into the checkout again (or any folder that exists)\n';
    for (const args of [['generate', '--check', '--schemas', path.resolve('schemas'), '--out', path.resolve('generated')], ['diff', path.resolve('test/diff/v1.0'), path.resolve('schemas')]]) {
      const result = spawnSync(process.execPath, ['--import', tsx, script, ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(result.stderr, args[0]).toBe(gone);
      expect(result.status).toBe(2);
    }
  });
});
