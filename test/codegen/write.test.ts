import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeLeftovers, writeGenerated } from '../../src/codegen/write.js';

const TSX = fileURLToPath(import.meta.resolve('tsx'));
const WRITE = path.resolve('src/codegen/write.ts');

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'write-'));
  folders.push(folder);
  return folder;
}

/** The id of a process that ran and has ended. */
function endedPid(): number {
  const ran = spawnSync(process.execPath, ['-e', '']);
  expect(ran.status).toBe(0);
  return ran.pid!;
}

/** A folder holding one file. */
function folderWith(folder: string, file: string, text: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, file), text);
}

describe('writeGenerated: folders a stopped generate left beside the output', () => {
  it('removes <out>.staging-<pid> and <out>.retired-<pid> of ended processes, and leaves a running one\'s and other names alone', async () => {
    const parent = tempFolder();
    const out = path.join(parent, 'generated');
    await writeGenerated(out, new Map([['a.json', '{"v":1}\n']]));
    const dead = endedPid();
    const alive = process.ppid;
    folderWith(`${out}.staging-${dead}`, 'a.json', 'half written');
    folderWith(`${out}.retired-${dead}`, 'a.json', '{"v":0}\n');
    folderWith(`${out}.staging-${alive}`, 'a.json', 'another generate, writing now');
    folderWith(path.join(parent, `other.staging-${dead}`), 'a.json', 'not this output');
    folderWith(path.join(parent, `generated.staging-${dead}x`), 'a.json', 'not a pid');

    await writeGenerated(out, new Map([['a.json', '{"v":2}\n']]));

    expect(readdirSync(parent).sort()).toEqual(['generated', `generated.staging-${alive}`, `generated.staging-${dead}x`, `other.staging-${dead}`].sort());
    expect(readFileSync(path.join(out, 'a.json'), 'utf8')).toBe('{"v":2}\n');
  });

  it('puts a retired folder back when the output is missing (stopped between the two renames)', async () => {
    const parent = tempFolder();
    const out = path.join(parent, 'generated');
    const dead = endedPid();
    folderWith(`${out}.retired-${dead}`, 'a.json', '{"v":1}\n');
    folderWith(`${out}.staging-${dead}`, 'a.json', '{"v":2}\n');
    expect((await removeLeftovers(out)).sort()).toEqual([`${out}.retired-${dead}`, `${out}.staging-${dead}`]);
    expect(readdirSync(parent)).toEqual(['generated']);
    expect(readFileSync(path.join(out, 'a.json'), 'utf8')).toBe('{"v":1}\n');
  });

  it('removes its staging folder when SIGINT (Ctrl-C) stops it mid-write, and leaves the output as it was', async () => {
    const parent = tempFolder();
    const out = path.join(parent, 'generated');
    await writeGenerated(out, new Map([['a.json', '{"v":1}\n']]));
    // Enough files that the write takes a while: the signal comes while the staging folder fills.
    const script = path.join(parent, 'child.mts');
    writeFileSync(script, [
      `import { writeGenerated } from ${JSON.stringify(WRITE)};`,
      `const files = new Map([['a.json', '{"v":2}\\n']]);`,
      `for (let i = 0; i < 5_000; i++) files.set(\`d\${i % 100}/f\${i}.json\`, '{}\\n');`,
      `await writeGenerated(${JSON.stringify(out)}, files);`,
      `console.log('finished');`,
    ].join('\n'));
    const child = spawn(process.execPath, ['--import', TSX, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const staging = `${out}.staging-${child.pid}`;
    const deadline = Date.now() + 30_000;
    while (!existsSync(path.join(staging, 'd5')) && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(existsSync(staging)).toBe(true);
    child.kill('SIGINT');
    const { signal, code } = await ended;
    expect(stdout).not.toContain('finished');
    // With the exit code and what the child wrote to stderr when it ended otherwise (once in a loaded full run: signal null).
    expect({ signal, code, stderr: signal === 'SIGINT' ? '' : stderr }).toEqual({ signal: 'SIGINT', code: null, stderr: '' });
    expect(readdirSync(parent).sort()).toEqual(['child.mts', 'generated']);
    expect(readFileSync(path.join(out, 'a.json'), 'utf8')).toBe('{"v":1}\n');
  });
});

describe('writeGenerated: where no folder can be made', () => {
  it('rejects with ENOENT under /proc, which answers ENOENT to a mkdir of a name it cannot hold (a recursive mkdir retried for ever: a tester)', () => {
    const parent = tempFolder();
    const script = path.join(parent, 'child.mts');
    writeFileSync(script, [
      `import { writeGenerated } from ${JSON.stringify(WRITE)};`,
      `await writeGenerated('/proc/rc-write-${process.pid}', new Map([['docs/a.md', 'x\\n']])).then(() => console.log('written'), (error) => console.log(error.code));`,
    ].join('\n'));
    // Bounded: before the fix the child never ended.
    const child = spawnSync(process.execPath, ['--import', TSX, script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stdout.trim()).toBe('ENOENT');
    expect(child.status).toBe(0);
  });

  it('still makes the missing folders above a new output', async () => {
    const out = path.join(tempFolder(), 'a', 'b', 'generated');
    await writeGenerated(out, new Map([['docs/a.md', 'x\n']]));
    expect(readFileSync(path.join(out, 'docs', 'a.md'), 'utf8')).toBe('x\n');
    expect(readdirSync(path.dirname(out))).toEqual(['generated']);
  });
});
