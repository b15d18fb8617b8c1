import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * tIQ F3: standard input redirected from a folder (`validate - < fixtures`). Node's stream ends on the read's EISDIR as if
 * the input were empty, and `-` said "expected at least one message, got empty input", exit 1 (an invalid message), while
 * `/dev/stdin`, which README says is read as `-` is, read the folder's files, exit 0. Both are a read error, exit 2.
 */

const CLI = path.resolve('src/cli/main.ts');

function validateWithStdinFrom(folder: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const fd = openSync(folder, 'r');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'validate', ...args], { stdio: [fd, 'pipe', 'pipe'] });
  closeSync(fd);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const safety = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(safety);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe.skipIf(process.platform === 'win32')('validate with standard input redirected from a folder', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'stdin-folder-'));
  writeFileSync(path.join(folder, 'a.json'), '{"type":"nope"}\n');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  for (const [name, shown] of [['-', 'standard input'], ['/dev/stdin', '"/dev/stdin" (standard input)']] as const) {
    it(`${name}: a read error, exit 2, the way out said`, { timeout: 60_000 }, async () => {
      const { code, stdout, stderr } = await validateWithStdinFrom(folder, [name]);
      expect(stderr).toBe(`realtime-contract: cannot read ${shown}: it is redirected from a folder, which cannot be read as a stream (EISDIR): name the folder instead (validate <folder>) to read its message files\n`);
      expect(stdout).toBe('0 valid, 0 invalid\n');
      expect(code).toBe(2);
    });
  }
});
